"""Evaluations and registrations. Their models arrive with the ★3 and ★4 work."""
