"""Kunjungan: the study-visit assistant of Koperasi BMI Grup."""
