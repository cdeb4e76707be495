"""Feedback helpers shared by every chapter's checkers.

A checker calls the reader's function on cases it builds, compares the result with the
package's reference implementation and either prints a confirmation or raises
:class:`CheckFailed` with a message that says *what* is wrong: which exercise, which output,
which shape, which entry, expected versus received.

Three things make a failure read like a tutor rather than a crash:

* :func:`call` runs the reader's code. A stub (``raise NotImplementedError('Exercise N.k:
  …')``) becomes "`f` is not implemented yet", or, when the stub is a helper the answer
  calls, "`bptt` calls `step_backward` (exercise 4.2), which is still a stub". Any other
  error raised while the reader's code runs becomes a :class:`CheckFailed` that names the
  error, the line of the reader's code that raised it and, where a :class:`Hint` matches,
  what that error usually means in this exercise.
* In IPython (Jupyter, JupyterLab, Colab, nbval's kernels), importing :mod:`rnnbook.checks`
  registers :func:`show_failure` for :class:`CheckFailed`: the cell shows a short failure
  box with the checker's message instead of a traceback through the checker's own code.
  The cell still fails (an ``error`` output, status ``error``), so nbval's
  ``raises-exception`` tag keeps its meaning.
* :func:`verbose` (or the environment variable ``RNNBOOK_CHECKS_VERBOSE=1``) brings the full
  traceback back, the reader's original error included.
"""

from __future__ import annotations

import linecache
import math
import os
import re
import sysconfig
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np


class CheckFailed(AssertionError):
    """Raised by a checker when an answer is wrong. The message says what to fix."""


# --------------------------------------------------------------------------- messages


def fail(exercise: str, message: str) -> None:
    """Raise :class:`CheckFailed` for ``exercise`` ("1.2") with ``message``."""
    raise CheckFailed(f"Exercise {exercise}: {message}")


def passed(exercise: str, message: str = "all checks passed.") -> None:
    """Print the confirmation a reader sees when an answer is right."""
    print(f"\u2714 Exercise {exercise}: {message}")


# --------------------------------------------------------------------------- the reader's code

_PACKAGE = Path(__file__).resolve().parent.parent
_LIBRARIES = tuple(
    sorted(
        {
            str(Path(path).resolve())
            for key in ("stdlib", "platstdlib", "purelib", "platlib")
            if (path := sysconfig.get_paths().get(key))
        }
    )
)


def _is_reader_code(filename: str) -> bool:
    """True for the reader's code: a notebook cell or a file outside rnnbook and the libraries."""
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    path = str(Path(filename).resolve())
    return not (path.startswith(str(_PACKAGE)) or path.startswith(_LIBRARIES))


def _is_cell(filename: str) -> bool:
    """True if ``filename`` is an IPython cell (ipykernel, Colab, terminal IPython)."""
    return filename.startswith("<ipython-input") or "ipykernel_" in filename


@dataclass(frozen=True)
class Frame:
    """One frame of a traceback: where the code was and whether it is the reader's."""

    function: str
    filename: str
    line: int
    reader: bool

    @property
    def text(self) -> str:
        """The source line, stripped ('' when the source is not available)."""
        return linecache.getline(self.filename, self.line).strip()

    @property
    def place(self) -> str:
        """'line 4 of its cell' or 'line 4 of test_x.py'."""
        source = "its cell" if _is_cell(self.filename) else Path(self.filename).name
        return f"line {self.line} of {source}"


def _frames(tb: TracebackType | None) -> list[Frame]:
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = code.co_filename
        frames.append(Frame(code.co_name, filename, tb.tb_lineno, _is_reader_code(filename)))
        tb = tb.tb_next
    return frames


@dataclass(frozen=True)
class Where:
    """Where the reader's code raised: the innermost frame of the reader's code.

    ``frame`` is that frame; ``inside`` names the library function it had called when the
    error was raised inside a library (numpy, rnnbook), or is ``None``.
    """

    frame: Frame
    inside: str | None = None

    @property
    def function(self) -> str:
        return self.frame.function

    @property
    def text(self) -> str:
        return self.frame.text


def locate(error: BaseException) -> Where | None:
    """The innermost frame of the reader's code in ``error``'s traceback (None: none there)."""
    frames = _frames(error.__traceback__)
    readers = [k for k, frame in enumerate(frames) if frame.reader]
    if not readers:
        return None
    k = readers[-1]
    inside = frames[k + 1].function if k + 1 < len(frames) else None
    return Where(frames[k], inside)


@dataclass(frozen=True)
class Hint:
    """What an error raised by the reader's code usually means in one exercise.

    ``errors`` are the exception types it explains; ``message`` and ``line`` are regular
    expressions that must also be found in the error's message and in the reader's line that
    raised it (empty: anything). ``text`` is the explanation, or a function of the error and
    its :class:`Where` that returns one (or ``None`` when it does not apply).
    """

    errors: type[BaseException] | tuple[type[BaseException], ...]
    text: str | Callable[[BaseException, Where | None], str | None]
    message: str = ""
    line: str = ""

    def explain(self, error: BaseException, place: Where | None) -> str | None:
        """The explanation of ``error`` raised at ``place``, or None if this hint does not apply."""
        if not isinstance(error, self.errors):
            return None
        if self.message and not re.search(self.message, str(error)):
            return None
        if self.line and not (place is not None and re.search(self.line, place.text)):
            return None
        return self.text(error, place) if callable(self.text) else self.text


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


_STUB = re.compile(r"Exercise (\d+\.\d+)")


def _stub_message(exercise: str, fn: Callable[..., Any], error: NotImplementedError) -> str:
    """Name the function that is still a stub, and the exercise it belongs to."""
    name = _name(fn)
    place = locate(error)
    stub = place.function if place is not None and place.inside is None else name
    number = _STUB.match(str(error))
    other = number.group(1) if number and number.group(1) != exercise else None
    if stub in (name, "<lambda>") and other is None:
        return (
            f"`{name}` is not implemented yet: replace the `raise NotImplementedError(...)` "
            "line with your code."
        )
    if other is not None:
        return (
            f"`{name}` calls `{stub}` (exercise {other}), which is still a stub: solve "
            f"exercise {other} first and run its cell, then run this check again."
        )
    return (
        f"`{name}` calls `{stub}`, which is not implemented yet: replace the "
        f"`raise NotImplementedError(...)` line in `{stub}` with your code."
    )


def _error_message(
    fn: Callable[..., Any], error: BaseException, hints: list[Hint] | tuple[Hint, ...]
) -> str:
    """Say what the reader's code raised, where, and what that usually means."""
    name = _name(fn)
    what = f"{type(error).__name__} ({error})" if str(error) else type(error).__name__
    place = locate(error)
    if place is None:
        message = (
            f"calling `{name}` raised {what}. The checker calls it as the stub is written: "
            "keep the stub's name and arguments."
        )
    else:
        who = f"`{name}`" if place.function == name else f"`{place.function}` (called by `{name}`)"
        inside = f" inside `{place.inside}`" if place.inside else ""
        code = f":\n    {place.text}" if place.text else "."
        message = f"{who} raised {what}{inside}, at {place.frame.place}{code}"
    for hint in hints:
        text = hint.explain(error, place)
        if text:
            return f"{message}\n{text}"
    return message


def call(
    exercise: str,
    fn: Callable[..., Any],
    *args: Any,
    hints: list[Hint] | tuple[Hint, ...] = (),
    **kwargs: Any,
) -> Any:
    """Call the reader's ``fn(*args, **kwargs)``; turn every error into a checker's message.

    A stub raising ``NotImplementedError`` is named (the helper, if the stub is a function
    ``fn`` calls); any other exception becomes a :class:`CheckFailed` naming the error and
    the reader's line that raised it, followed by the first of ``hints`` that explains it.
    The original error stays attached as ``__cause__`` (see :func:`verbose`).
    """
    try:
        return fn(*args, **kwargs)
    except CheckFailed:
        raise
    except NotImplementedError as error:
        place = locate(error)
        if _STUB.match(str(error)) or (place is not None and place.inside is None):
            raise CheckFailed(f"Exercise {exercise}: {_stub_message(exercise, fn, error)}") from (
                error
            )
        raise CheckFailed(f"Exercise {exercise}: {_error_message(fn, error, hints)}") from error
    except Exception as error:
        raise CheckFailed(f"Exercise {exercise}: {_error_message(fn, error, hints)}") from error


def call_with_shapes(
    exercise: str,
    fn: Callable[..., Any],
    layout: str,
    *args: np.ndarray,
    hints: list[Hint] | tuple[Hint, ...] = (),
    **kwargs: Any,
) -> Any:
    """Call the reader's ``fn`` on copies of the arrays ``args``; explain a shape error.

    A ``ValueError`` raised inside ``fn`` (after the ``hints``, which come first) is
    explained by the input shapes, followed by ``layout``, the chapter's reminder of how the
    arrays are laid out.
    """
    shapes = ", ".join(str(arg.shape) for arg in args)
    shape_hint = Hint(ValueError, f"The inputs had shapes {shapes}. {layout}")
    return call(exercise, fn, *(arg.copy() for arg in args), hints=[*hints, shape_hint], **kwargs)


def blame_helper(
    exercise: str,
    fn: Callable[..., Any],
    helper: str,
    helper_exercise: str,
    checker: Callable[[Callable[..., Any]], None],
) -> None:
    """Fail, pointing back to ``helper_exercise``, if ``fn`` calls a wrong ``helper``.

    Called when the answer ``fn`` gave a wrong result. If ``fn``'s code calls a function
    named ``helper`` (the reader's answer to an earlier exercise), that function is run
    through its own ``checker`` silently; if it fails there, the reader is sent back to it
    with that checker's message, instead of a diagnosis of ``fn`` that ``fn`` cannot fix.
    """
    import contextlib
    import inspect
    import io

    try:
        names = inspect.getclosurevars(fn)
    except TypeError:  # not a Python function
        return
    candidate = {**names.globals, **names.nonlocals}.get(helper)
    if not callable(candidate):
        return
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            checker(candidate)
    except CheckFailed as error:
        reason = re.sub(r"^Exercise \d+\.\d+: ", "", str(error))
    else:
        return
    fail(
        exercise,
        f"`{_name(fn)}` calls your `{helper}` from exercise {helper_exercise}, which is not "
        f"right yet. Check {helper_exercise} says:\n{reason}\nFix `{helper}` first, run its "
        "cell and its check, then run this check again.",
    )


def outputs_match(got: Any, expected: dict[str, Any]) -> bool:
    """True if ``got`` is a tuple whose entries match ``expected``'s values in order."""
    return (
        isinstance(got, tuple | list)
        and len(got) == len(expected)
        and all(matches(g, e) for g, e in zip(got, expected.values(), strict=True))
    )


# --------------------------------------------------------------------------- comparisons


def expect_shape(exercise: str, name: str, got: Any, expected: tuple[int, ...]) -> None:
    """Fail unless ``got`` is an array of shape ``expected``."""
    shape = getattr(got, "shape", None)
    if shape is None:
        fail(exercise, f"{name} should be an array of shape {expected}, got {type(got).__name__}.")
    if tuple(shape) != tuple(expected):
        fail(exercise, f"{name} has shape {tuple(shape)}, expected {tuple(expected)}.")


def first_difference(
    got: np.ndarray, expected: np.ndarray, rtol: float = 1e-6, atol: float = 1e-8
) -> tuple[tuple[int, ...], int] | None:
    """The index of the first entry where ``got`` and ``expected`` differ, and how many do."""
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if not bad.any():
        return None
    return tuple(int(i) for i in np.argwhere(bad)[0]), int(bad.sum())


def expect_close(
    exercise: str,
    name: str,
    got: Any,
    expected: Any,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str = "",
) -> None:
    """Fail unless ``got`` matches ``expected`` in shape and value.

    The message names the first differing entry and both values, plus an optional hint about
    the likely mistake.
    """
    expected = np.asarray(expected)
    expect_shape(exercise, name, np.asarray(got), expected.shape)
    got = np.asarray(got, dtype=float)
    if not np.all(np.isfinite(got)):
        fail(exercise, f"{name} contains NaN or infinity.")
    difference = first_difference(got, expected, rtol, atol)
    if difference is not None:
        index, count = difference
        where_ = f" at index {index}" if index else ""
        want, have = distinct(float(expected[index]), float(got[index]))
        message = (
            f"{name} is wrong{where_}: expected {want}, "
            f"got {have} ({count} of {got.size} entries differ)."
        )
        fail(exercise, message + (f" {hint}" if hint else ""))


def matches(got: Any, candidate: Any, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """True if ``got`` has the shape of ``candidate`` and the same values (``None``: never)."""
    return (
        candidate is not None
        and np.shape(got) == np.shape(candidate)
        and bool(np.allclose(got, candidate, rtol=rtol, atol=atol))
    )


def tolerance(got: Any, rtol: float = 1e-6, atol: float = 1e-8) -> tuple[float, float]:
    """``(rtol, atol)`` for comparing ``got``: float64's by default, wider for float32/16.

    An answer computed in single precision (a reader who casts to float32, as torch does)
    carries rounding errors of about 1e-7 relative per operation; it is right, not wrong.
    """
    dtype = getattr(got, "dtype", None)
    if dtype is not None and np.issubdtype(dtype, np.floating) and np.finfo(dtype).bits < 64:
        return max(rtol, 1e-4 if np.finfo(dtype).bits < 32 else 2e-5), max(atol, 2e-6)
    return rtol, atol


def distinct(expected: float, got: float, digits: int = 6) -> tuple[str, str]:
    """``expected`` and ``got`` as text with enough significant digits to tell them apart.

    ``-0.0200895`` and ``-0.0200895`` say nothing; ``-0.020089512`` and ``-0.020089507``
    show where the numbers part (up to 17 digits, all a float64 holds).
    """
    for k in range(digits, 18):
        a, b = f"{expected:.{k}g}", f"{got:.{k}g}"
        if a != b or expected == got:
            return a, b
    return a, b


def expect_by_hand(
    exercise: str,
    answers: Any,
    expected: Mapping[str, tuple[float, list[tuple[str, float]]]],
    as_number: Callable[[str, Any], float],
    rel_tol: float,
    otherwise: str,
) -> None:
    """Check numbers worked out by hand (the derivation exercises).

    ``expected`` maps each key of ``answers`` to its right value and the ``(message, wrong
    value)`` pairs of known mistakes. ``as_number(key, value)`` turns an answer into a float
    or fails with the checker's message. A number that matches a known wrong value gets that
    message; any other wrong number gets ``"{key} = {got} " + otherwise``.
    """
    if not isinstance(answers, Mapping):
        fail(exercise, f"`answers` should be a dict of numbers, got {type(answers).__name__}.")
    missing = [key for key in expected if answers.get(key) is None]
    if missing:
        fail(exercise, f"fill in {', '.join(missing)} (a number each, worked out by hand).")
    for key, (value, mistakes) in expected.items():
        got = as_number(key, answers[key])
        if math.isclose(got, value, rel_tol=rel_tol):
            continue
        for message, wrong in mistakes:
            if math.isclose(got, wrong, rel_tol=rel_tol):
                fail(exercise, f"{key} = {got:.6g}: {message}")
        fail(exercise, f"{key} = {got:.6g} {otherwise}")


def check_outputs(
    exercise: str,
    got: Any,
    expected: dict[str, Any],
    mistakes: list[tuple[str, dict[str, Any]]],
    where: str,
    explain: Callable[[str, np.ndarray, np.ndarray], str | None] | None = None,
) -> None:
    """Check a tuple of named outputs and name the mistake that explains a wrong one.

    ``mistakes`` pairs a diagnosis with the outputs that mistake would produce; a mistake
    lists only the outputs it changes. A mistake is named if it explains the whole tuple,
    or else if it explains one of the wrong outputs; outputs that sit in each other's
    places are reported as a wrong order. Otherwise ``explain(name, got, expected)``, if
    given, may describe the first wrong output (say, which gate block of it is wrong)
    before the generic message names its first wrong entry.
    """
    names = list(expected)
    wanted = f"({', '.join(names)})"
    if not isinstance(got, tuple | list):
        fail(exercise, f"return the tuple {wanted}; got a value of type {type(got).__name__}.")
    if len(got) != len(names):
        fail(exercise, f"return the {len(names)} arrays {wanted}; got {len(got)} values.")
    outputs = dict(zip(names, (np.asarray(value) for value in got), strict=True))
    wrong = [name for name in names if not matches(outputs[name], expected[name])]
    if not wrong:
        return
    for message, candidate in mistakes:
        if all(matches(outputs[n], candidate.get(n, expected[n])) for n in names):
            fail(exercise, message)
    moved = [
        f"position {names.index(name)} holds {other}"
        for name in wrong
        for other in names
        if other != name and matches(outputs[name], expected[other])
    ]
    if moved:
        fail(exercise, f"the outputs are in another order ({', '.join(moved)}); return {wanted}.")
    for name in wrong:
        for message, candidate in mistakes:
            if matches(outputs[name], candidate.get(name)):
                fail(exercise, message)
        if explain is not None and np.shape(outputs[name]) == np.shape(expected[name]):
            text = explain(name, outputs[name], np.asarray(expected[name]))
            if text:
                fail(exercise, text)
        expect_close(exercise, f"{name} {where}", outputs[name], expected[name])


# --------------------------------------------------------------------------- the failure box

_VERBOSE = os.environ.get("RNNBOOK_CHECKS_VERBOSE", "").strip().lower() not in ("", "0", "false")
_RED, _BOLD, _DIM, _RESET = "\x1b[31m", "\x1b[1m", "\x1b[2m", "\x1b[0m"
_WIDTH = 92


def verbose(on: bool = True) -> None:
    """Show failed checks with their full traceback (``on=True``) or as the message alone.

    The default is the message alone; the environment variable
    ``RNNBOOK_CHECKS_VERBOSE=1`` starts in verbose mode. The full traceback runs through the
    checker's code and ends with the reader's original error, if there was one.
    """
    global _VERBOSE
    _VERBOSE = bool(on)


def failure_box(error: CheckFailed, color: bool = True) -> list[str]:
    """The lines of the failure box that a notebook shows for ``error``.

    A header ("✘ Exercise 4.3: not right yet"), the checker's message wrapped and indented
    (code lines, which the message indents, kept as they are), and a note on how to see the
    full traceback. ``color`` adds ANSI colours, which notebooks render.
    """
    red, bold, dim, reset = (_RED, _BOLD, _DIM, _RESET) if color else ("", "", "", "")
    text = str(error)
    found = re.match(r"Exercise (\d+\.\d+): ", text)
    title = f"Exercise {found.group(1)}: not right yet" if found else "Check failed"
    body = text[found.end() :] if found else text
    rule = "\u2500" * 60
    lines = [f"{red}{bold}\u2718 {title}{reset}", f"{red}{rule}{reset}"]
    for paragraph in body.splitlines():
        if paragraph.startswith(" "):  # a line of the reader's code: keep it as it is
            lines.append(f"  {bold}{paragraph}{reset}")
        else:
            lines.extend(
                textwrap.wrap(paragraph, _WIDTH, initial_indent="  ", subsequent_indent="  ")
            )
    lines.append(
        f"{dim}  (the full traceback: run rnnbook.checks.verbose(), then this cell again){reset}"
    )
    return lines


def show_failure(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> list[str]:
    """IPython's handler for :class:`CheckFailed`: show the failure box (or, verbose, all).

    It hands the lines to the shell's ``_showtraceback``, so a kernel sends them as the
    cell's ``error`` output (ename ``CheckFailed``): Jupyter, JupyterLab and Colab show
    them, and nbval sees the cell fail. Registered by :func:`install`.
    """
    if _VERBOSE:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    else:
        stb = ["\n".join(failure_box(value))]
    shell._showtraceback(etype, value, stb)
    return []


def install() -> bool:
    """Register :func:`show_failure` in the running IPython shell; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of every notebook
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "_showtraceback"):
        return False
    shell.set_custom_exc((CheckFailed,), show_failure)
    return True


# --------------------------------------------------------------------------- renamed checkers


def changed(exercise: str, chapter: str, evidence: str) -> None:
    """Fail: the reader's notebook holds an earlier version of ``exercise``.

    ``evidence`` says how that shows ("it calls `check_bptt`, the checker of the earlier
    version"); the message says how to fetch the new notebook without losing the old one.
    """
    fail(
        exercise,
        f"this exercise has changed since your notebook was copied: {evidence}. Fetch the "
        f"new notebook with `make fresh EX={chapter}` (your current one is kept in "
        f"work/old/), or copy exercises/{chapter}_*.ipynb yourself.",
    )


def retired(checkers: dict[str, str], chapter: str) -> Callable[[str], Callable[..., None]]:
    """A module ``__getattr__`` for the checkers of earlier versions of exercises.

    ``checkers`` maps an old checker's name to its exercise ("2.1"); ``chapter`` is the
    chapter's number ("02"). A notebook copied before the exercise changed still calls the
    old name; it gets a failure saying how to fetch the new version instead of an
    AttributeError.
    """

    def __getattr__(name: str) -> Callable[..., None]:
        if name not in checkers:
            raise AttributeError(f"module 'rnnbook.checks.ch{chapter}' has no attribute {name!r}")
        exercise = checkers[name]

        def old_checker(*args: Any, **kwargs: Any) -> None:
            changed(exercise, chapter, f"it calls `{name}`, the checker of the earlier version")

        old_checker.__name__ = name
        return old_checker

    return __getattr__
