"""Exercise checkers, one module per chapter (``rnnbook.checks.ch01`` …).

Each checker takes the reader's answer, runs it on cases that expose plausible mistakes
and prints a confirmation or raises :class:`CheckFailed` saying what is wrong.
"""

from rnnbook.checks._feedback import CheckFailed

__all__ = ["CheckFailed"]
