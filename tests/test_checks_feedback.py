"""The shared feedback of the checkers: stubs and errors named, failures shown as a box.

The last tests run real kernels: a failed check shows as a short error output (what
Jupyter, JupyterLab, Colab and nbval all receive), and nbval still sees the cell fail.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from rnnbook.checks import CheckFailed, _feedback
from rnnbook.checks._feedback import Hint, call, fail, failure_box
from rnnbook.scratch import rnn_step_forward

HERE = Path(__file__).name


def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        call("9.9", fn, *args, **kwargs)
    return str(info.value)


# --------------------------------------------------------------------------- stubs


def test_a_stub_is_named():
    def answer(x):
        raise NotImplementedError("Exercise 9.9: something")

    assert _message(answer, 1) == (
        "Exercise 9.9: `answer` is not implemented yet: replace the "
        "`raise NotImplementedError(...)` line with your code."
    )


def test_a_stub_helper_of_an_earlier_exercise_is_blamed():
    def helper(x):
        raise NotImplementedError("Exercise 9.2: the helper")

    def answer(x):
        return helper(x) + 1

    assert _message(answer, 1) == (
        "Exercise 9.9: `answer` calls `helper` (exercise 9.2), which is still a stub: solve "
        "exercise 9.2 first and run its cell, then run this check again."
    )


def test_a_stub_helper_of_the_same_exercise_is_named():
    def helper(x):
        raise NotImplementedError("Exercise 9.9: both")

    def answer(x):
        return helper(x)

    assert "`answer` calls `helper`, which is not implemented yet" in _message(answer, 1)


def test_not_implemented_inside_a_library_is_an_error_not_a_stub():
    def answer(x):
        return np.lib.mixins.NDArrayOperatorsMixin.__array_ufunc__(x, np.add, "bad", x)

    message = _message(answer, 1)
    assert "is not implemented yet" not in message


# --------------------------------------------------------------------------- errors


def test_an_error_names_the_line_that_raised_it():
    def answer(xs):
        total = 0
        for t in range(1, len(xs) + 1):
            total += xs[t]
        return total

    message = _message(answer, np.arange(3))
    assert message.startswith(
        "Exercise 9.9: `answer` raised IndexError (index 3 is out of bounds for axis 0 with "
        f"size 3), at line {answer.__code__.co_firstlineno + 3} of {HERE}:\n"
    )
    assert message.endswith("\n    total += xs[t]")


def test_an_error_in_a_helper_names_the_helper():
    def helper(x):
        return math.sqrt(x)

    def answer(x):
        return helper(x)

    message = _message(answer, -1.0)
    assert "`helper` (called by `answer`) raised ValueError (math domain error)" in message
    assert "    return math.sqrt(x)" in message


def test_an_error_inside_the_package_names_the_package_function_and_the_readers_line():
    def answer(x, h, params):
        h = rnn_step_forward(x, h, params)  # the (h, cache) pair, not h
        return rnn_step_forward(x, h, params)

    params = {"W_xh": np.ones((2, 3)), "W_hh": np.ones((2, 2)), "b_h": np.zeros(2)}
    message = _message(answer, np.ones((1, 3)), np.ones((1, 2)), params)
    assert "inside `rnn_step_forward`" in message
    assert "    return rnn_step_forward(x, h, params)" in message


def test_a_wrong_signature_is_explained():
    message = _message(lambda x: x, 1, 2)
    assert "calling `<lambda>` raised TypeError" in message
    assert "keep the stub's name and arguments" in message


def test_the_first_matching_hint_is_added():
    def answer(z):
        if z > 0:
            return 1.0
        return 0.0

    hints = [
        Hint(TypeError, "not this one"),
        Hint(ValueError, "nor this one", message="no such words"),
        Hint(ValueError, "nor this one", line="no such code"),
        Hint(ValueError, lambda error, place: None),
        Hint(ValueError, lambda error, place: f"this one, at {place.text!r}", line=r"if z"),
        Hint(ValueError, "not this later one"),
    ]
    message = _message(answer, np.arange(3), hints=hints)
    assert message.endswith("\nthis one, at 'if z > 0:'")


def test_the_readers_error_stays_attached_for_the_full_traceback():
    with pytest.raises(CheckFailed) as info:
        call("9.9", lambda: 1 / 0)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_a_check_failed_inside_passes_through():
    def answer():
        fail("9.1", "from a nested checker")

    with pytest.raises(CheckFailed, match=r"^Exercise 9\.1: from a nested checker$"):
        call("9.9", answer)


# --------------------------------------------------------------------------- the box


def test_the_failure_box_holds_the_message_and_nothing_else():
    error = CheckFailed(
        "Exercise 4.3: `bptt` raised IndexError (index 5 is out of bounds), at line 6 of its "
        "cell:\n    h_prev = hs[t]\nPython numbers the T steps 0 … T − 1, " + "so " * 40
    )
    lines = failure_box(error, color=False)
    assert lines[0] == "\u2718 Exercise 4.3: not right yet"
    assert "    h_prev = hs[t]" in lines[3]  # the reader's code, as it is
    assert all(len(line) <= 100 for line in lines)
    assert "rnnbook.checks.verbose()" in lines[-1]
    assert len(lines) < 12
    assert "\x1b[" in "\n".join(failure_box(error)) and "\x1b[" not in "\n".join(lines)


def test_install_does_nothing_outside_ipython():
    assert _feedback.install() is False


# --------------------------------------------------------------------------- in a kernel

_ANSWER = "def step_jacobians(h, W_hh):\n    return np.broadcast_to(W_hh, (len(h), *W_hh.shape))"


def _notebook(path: Path, tagged: bool) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    tags = {"tags": ["raises-exception"]} if tagged else {}
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nfrom rnnbook.checks import ch04 as checks"),
        nbformat.v4.new_code_cell(_ANSWER),
        nbformat.v4.new_code_cell("checks.check_step_jacobians(step_jacobians)", metadata=tags),
    ]
    nbformat.write(nb, path)


def test_a_kernel_shows_the_box_and_verbose_brings_the_traceback_back(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    check = "checks.check_step_jacobians(step_jacobians)"
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nfrom rnnbook.checks import ch04 as checks"),
        nbformat.v4.new_code_cell(_ANSWER),
        nbformat.v4.new_code_cell(check),
        nbformat.v4.new_code_cell("import rnnbook.checks\nrnnbook.checks.verbose()\n" + check),
        nbformat.v4.new_code_cell("def step_jacobians(h, W_hh):\n    return (1 - h**2) * W_hh"),
        nbformat.v4.new_code_cell("rnnbook.checks.verbose(False)\n" + check),
    ]
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    short, full, error = (nb.cells[k].outputs for k in (2, 3, 5))
    assert [o.output_type for o in short] == ["error"] and short[0].ename == "CheckFailed"
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(short[0].traceback))
    assert text.startswith("\u2718 Exercise 4.1: not right yet")
    assert "the tanh derivative is missing" in text
    assert "Traceback" not in text and "_feedback.py" not in text and len(text.splitlines()) < 10
    long = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(full[0].traceback))
    assert "_feedback.py" in long and "the tanh derivative is missing" in long
    message = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error[0].traceback))
    assert "`step_jacobians` raised ValueError" in message and "(1 - h**2) * W_hh" in message
    assert "Traceback" not in message


def test_nbval_still_sees_a_failed_check(tmp_path):
    """A failed check passes nbval where tagged raises-exception (the exercise notebooks)
    and fails it where not (a solutions notebook with a wrong answer)."""
    _notebook(tmp_path / "tagged.ipynb", tagged=True)
    _notebook(tmp_path / "untagged.ipynb", tagged=False)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", "--junitxml=report.xml", "tagged.ipynb", "untagged.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = (tmp_path / "report.xml").read_text(encoding="utf-8")
    cases = re.findall(r'<testcase classname="([^"]+)" name="([^"]+)"[^>]*?(/>|>.*?</testcase>)',
                       report, re.S)  # fmt: skip
    failed = {f"{c}::{n}" for c, n, body in cases if "<failure" in body}
    assert failed == {"untagged.ipynb::Cell 2"}, json.dumps([result.stdout[-2000:]])
    assert "Exercise 4.1: not right yet" in result.stdout
