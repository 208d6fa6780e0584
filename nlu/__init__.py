"""Indonesian language understanding for Kunjungan: Rasa components and shared text helpers."""
