"""Exceptions the core raises for bad input; the interfaces turn them into exit code 2."""


class BadInput(Exception):
    """Input that cannot be used: a corrupt file, a broken format, an unknown id.

    The message is one line naming the file (or value) and the problem.
    """
