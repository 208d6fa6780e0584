"""Documents a delegation needs: the host's confirmation letter, the attendance list, receipts
and certificates. Templates are data (data/documents/); this package fills and prints them."""
