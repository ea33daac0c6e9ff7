"""In-app notifications, the user's choice of optional ones, and e-mail in their language."""
