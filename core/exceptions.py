"""Domain errors. Interfaces (views, API, commands) translate them into user-facing messages."""


class DomainError(Exception):
    """A rule of the scheme was broken; the message is safe to show to the user."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class TransitionNotAllowed(DomainError):  # noqa: N818 (house-style name)
    """A state change that the transition table does not allow from the current state."""

    code = "transition_not_allowed"
