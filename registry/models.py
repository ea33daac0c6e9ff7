"""The public ledger. Its models arrive with the ★3 registration work."""
