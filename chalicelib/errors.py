"""Errors a user can cause or fix; their text is what the user reads."""


class UserError(Exception):
    """Something the user can fix; str() is the whole message, shown without a traceback."""
