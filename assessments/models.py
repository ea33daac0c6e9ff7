"""Self-assessments and advisor reviews. Their models arrive with the ★3 work."""
