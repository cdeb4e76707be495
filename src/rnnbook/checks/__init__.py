"""Exercise checkers, one module per chapter (``rnnbook.checks.ch01`` …).

Each checker takes the reader's answer, runs it on cases that expose plausible mistakes
and prints a confirmation or raises :class:`CheckFailed` saying what is wrong.

Imported in IPython (a notebook, JupyterLab, Colab), this package registers a handler that
shows a failed check as a short box with the checker's message instead of a traceback
through the checker's code; ``rnnbook.checks.verbose()`` brings the full traceback back.
"""

from rnnbook.checks._feedback import CheckFailed, install, verbose

__all__ = ["CheckFailed", "verbose"]

install()
