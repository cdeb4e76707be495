"""The chapter 08 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch08
from rnnbook.scratch import rnn_forward


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 8")


def _rnn(xs, params):
    """A tanh RNN from h0 = 0, written out: W_xh (H, D), W_hh (H, H), b_h (H,)."""
    h = np.zeros((xs.shape[1], params["W_hh"].shape[0]))
    hs = []
    for x in xs:
        h = np.tanh(x @ params["W_xh"].T + h @ params["W_hh"].T + params["b_h"])
        hs.append(h)
    return np.stack(hs)


# --------------------------------------------------------------------------- 8.1


def _bi(xs, params_f, params_b, *, flip_in=True, flip_out=True, backward_first=False,
        axis=-1, same=False):  # fmt: skip
    forward = _rnn(xs, params_f)
    backward = _rnn(xs[::-1] if flip_in else xs, params_f if same else params_b)
    backward = backward[::-1] if flip_out else backward
    return np.concatenate((backward, forward) if backward_first else (forward, backward), axis)


def _bi_with(**mistake):
    return lambda *args: _bi(*args, **mistake)


def test_bidirectional_outputs_accepts_right_answer(capsys):
    ch08.check_bidirectional_outputs(_bi)
    assert "✔ Exercise 8.1" in capsys.readouterr().out


def test_bidirectional_outputs_accepts_the_package_function(capsys):
    def bidirectional(xs, params_f, params_b):
        forward = rnn_forward(xs, None, params_f)[0]
        backward = rnn_forward(xs[::-1], None, params_b)[0][::-1]
        return np.concatenate([forward, backward], axis=-1)

    ch08.check_bidirectional_outputs(bidirectional)
    assert "✔ Exercise 8.1" in capsys.readouterr().out


def test_bidirectional_outputs_stub_is_reported():
    _expect(ch08.check_bidirectional_outputs, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_bi_with(flip_out=False), "the backward states are not reversed back"),
        (_bi_with(backward_first=True), "the halves are in the order [backward, forward]"),
        (_bi_with(flip_in=False, flip_out=False), "the backward RNN is run on xs itself"),
        (_bi_with(flip_in=False), "the backward RNN is run on xs itself"),
        (_bi_with(axis=0), "the output has shape (2T, N, H) = (10, 3, 4)"),
        (_bi_with(axis=0), "concatenated along the time axis"),
        (_bi_with(same=True), "the same parameters are used for both directions"),
        (lambda xs, pf, pb: _bi(xs, pb, pb), "the same parameters are used for both directions"),
        (lambda *a: _bi(*a)[..., :4], "out (T=5, N=3, D=2, H=4) has shape (5, 3, 4)"),
        (lambda *a: _bi(*a) + 1e-3, "out (T=5, N=3, D=2, H=4) is wrong at index (0, 0, 0)"),
    ],
)
def test_bidirectional_outputs_names_mistake(wrong, message):
    _expect(ch08.check_bidirectional_outputs, wrong, message)


# --------------------------------------------------------------------------- 8.2


def _stacked(xs, layers, *, read_xs=False, order=1, keep="top", last_only=False):
    inputs, all_states = xs, []
    for params in layers[::order]:
        states = _rnn(xs if read_xs else inputs, params)
        all_states.append(states)
        inputs = np.repeat(states[-1:], len(states), axis=0) if last_only else states
    return {"top": all_states[-1], "first": all_states[0], "all": np.stack(all_states)}[keep]


def _stacked_with(**mistake):
    return lambda *args: _stacked(*args, **mistake)


def test_stacked_forward_accepts_right_answer(capsys):
    ch08.check_stacked_forward(_stacked)
    assert "✔ Exercise 8.2" in capsys.readouterr().out


def test_stacked_forward_accepts_the_package_function(capsys):
    def stacked(xs, layers):
        hs = xs
        for params in layers:
            hs = rnn_forward(hs, None, params)[0]
        return hs

    ch08.check_stacked_forward(stacked)
    assert "✔ Exercise 8.2" in capsys.readouterr().out


def test_stacked_forward_stub_is_reported():
    _expect(ch08.check_stacked_forward, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_stacked_with(read_xs=True), "raised ValueError"),
        (_stacked_with(read_xs=True), "layer k's input must be layer k − 1's states (T, N, H)"),
        (_stacked_with(order=-1), "apply the layers in order, layers[0] first"),
        (_stacked_with(keep="first"), "these are the states of layer 0 (the first)"),
        (lambda xs, layers: _stacked(xs, layers[:2]), "these are the states of layer 1: return"),
        (_stacked_with(keep="all"), "the output has shape (L, T, N, H) = (3, 5, 3, 4)"),
        (_stacked_with(last_only=True), "each layer reads only the last state of the layer below"),
        (lambda *a: list(_stacked(*a)), "should be an array of shape (5, 3, 4), got list"),
        (lambda *a: _stacked(*a) * 1.01, "hs (T=5, N=3, D=2, H=4, 3 layers) is wrong"),
    ],
)
def test_stacked_forward_names_mistake(wrong, message):
    _expect(ch08.check_stacked_forward, wrong, message)


# --------------------------------------------------------------------------- 8.3


def _reverse(xs, lengths, *, shift=0, in_place=False):
    out = xs if in_place else xs.copy()
    for n, length in enumerate(lengths):
        steps = min(max(length + shift, 0), len(xs))
        out[:steps, n] = xs[:steps, n][::-1].copy()
    return out


def _reverse_with(**mistake):
    return lambda *args: _reverse(*args, **mistake)


def test_reverse_padded_accepts_right_answer(capsys):
    ch08.check_reverse_padded(_reverse)
    assert "✔ Exercise 8.3" in capsys.readouterr().out


def test_reverse_padded_accepts_a_gather(capsys):
    def gather(xs, lengths):
        t = np.arange(len(xs))[:, None]
        source = np.where(t < lengths, lengths - 1 - t, t)  # (T, N)
        return xs[source, np.arange(xs.shape[1])]

    ch08.check_reverse_padded(gather)
    assert "✔ Exercise 8.3" in capsys.readouterr().out


def test_reverse_padded_stub_is_reported():
    _expect(ch08.check_reverse_padded, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda xs, lengths: xs[::-1].copy(), "the whole time axis is reversed (xs[::-1])"),
        (lambda xs, lengths: xs[::-1].copy(), "the padding of the shorter sequences has moved"),
        (_reverse_with(shift=-1), "lengths[n] − 1 steps are reversed instead of lengths[n]"),
        (_reverse_with(shift=1), "lengths[n] + 1 steps are reversed instead of lengths[n]"),
        (lambda xs, lengths: xs.copy(), "the output equals xs: nothing is reversed"),
        (lambda xs, lengths: xs, "the output equals xs: nothing is reversed"),
        (_reverse_with(in_place=True), "reverse_padded changed its input xs in place"),
        (lambda xs, lengths: xs[:, ::-1].copy(), "the batch axis is reversed (axis 1"),
        (lambda xs, lengths: np.flip(xs).copy(), "every axis is reversed"),
        (lambda xs, lengths: _reverse(xs, lengths)[:, :, :1], "has shape (6, 4, 1)"),
        (
            lambda xs, lengths: _reverse(xs, lengths) + 1e-3,
            "the output (T=6, N=4, D=2, lengths=[6, 1, 4, 3]) is wrong at index (0, 0, 0)",
        ),
        (
            lambda xs, lengths: np.where(xs == 99.0, 0.0, _reverse(xs, lengths)),
            "The padding is filled with 99; it should stay where it is.",
        ),
    ],
)
def test_reverse_padded_names_mistake(wrong, message):
    _expect(ch08.check_reverse_padded, wrong, message)


# --------------------------------------------------------------------------- 8.4


def _count(D, H, num_layers, bidirectional, *, later=None, directions=True, biases=2,
           layers=None):  # fmt: skip
    d = 2 if bidirectional and directions else 1
    total = 0
    for k in range(num_layers if layers is None else layers):
        inputs = D if k == 0 else (d * H if later is None else later(D, H))
        total += d * (H * inputs + H * H + biases * H)
    return total


def _count_with(**mistake):
    return lambda *args: _count(*args, **mistake)


def test_deep_rnn_parameter_count_accepts_right_answer(capsys):
    ch08.check_deep_rnn_parameter_count(_count)
    assert "✔ Exercise 8.4" in capsys.readouterr().out


def test_deep_rnn_parameter_count_accepts_numpy_integers(capsys):
    ch08.check_deep_rnn_parameter_count(lambda *args: np.int64(_count(*args)))
    assert "✔ Exercise 8.4" in capsys.readouterr().out


def test_deep_rnn_parameter_count_stub_is_reported():
    _expect(ch08.check_deep_rnn_parameter_count, _stub, "is not implemented yet")


def test_deep_rnn_parameter_count_mistakes_are_distinct():
    for D, H in [(10, 4), (3, 7)]:
        for L in (2, 3):
            counts = [_count(D, H, L, True)] + [
                count for _, count in ch08._count_mistakes(D, H, L, True)
            ]
            assert len(set(counts)) == len(counts)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_count_with(later=lambda D, H: H), "the later layers' input is counted as H"),
        (_count_with(directions=False), "the directions are not multiplied"),
        (_count_with(biases=1), "one bias vector per layer and direction is counted"),
        (_count_with(later=lambda D, H: D), "every layer's input size is D"),
        (_count_with(layers=1), "only one layer is counted"),
        (
            _count_with(layers=1),
            "deep_rnn_parameter_count(10, 4, 2, False) returned 64, expected 104: only one",
        ),
        (lambda *a: float(_count(*a)), "deep_rnn_parameter_count(10, 4, 1, False) should return"),
        (lambda *a: True, "should return an int, got bool"),
        (
            lambda *a: _count(*a) + 1,
            "deep_rnn_parameter_count(10, 4, 1, False) returned 65, expected 64.",
        ),
    ],
)
def test_deep_rnn_parameter_count_names_mistake(wrong, message):
    _expect(ch08.check_deep_rnn_parameter_count, wrong, message)


# --------------------------------------------------------------------------- 8.6


def test_grid_paths_accepts_right_answer(capsys):
    ch08.check_grid_paths(8, 21)
    assert "✔ Exercise 8.6" in capsys.readouterr().out


def test_grid_paths_accepts_whole_floats_and_numpy_ints(capsys):
    ch08.check_grid_paths(8.0, np.int64(21))
    assert "✔ Exercise 8.6" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("states", "message"),
    [
        (9, "one state too many"),
        (7, "one state too few"),
        (10, "x_1 and ŷ_T are counted as well"),
        (18, "that is every state of the grid"),
        (6, "that is the length of one row"),
        (11, "states_on_path = 11 for T = 6, L = 3"),
    ],
)
def test_grid_paths_names_wrong_state_counts(states, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch08.check_grid_paths(states, 21)


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (35, "C(T + L − 2, L) chooses L of the moves"),
        (84, "C(T + L, L) counts paths in a grid"),
        (28, "C(T + L − 1, L − 1) has one move too many"),
        (56, "C(T + L − 1, L) counts one move too many"),
        (128, "2^(T + L − 2) lets every move go either way"),
        (18, "T·L is the number of states"),
        (1, "there is more than one"),
        (20, "number_of_paths = 20 for T = 6, L = 3"),
    ],
)
def test_grid_paths_names_wrong_path_counts(paths, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch08.check_grid_paths(8, paths)


@pytest.mark.parametrize(
    ("states", "paths", "message"),
    [
        ("8", 21, "states_on_path should be a whole number, received str"),
        (8, 21.5, "number_of_paths should be a whole number, received 21.5"),
        (True, 21, "states_on_path should be a whole number, received bool"),
        (None, None, "received NoneType"),
    ],
)
def test_grid_paths_rejects_answers_that_are_not_counts(states, paths, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch08.check_grid_paths(states, paths)


def test_grid_paths_does_not_state_the_expected_numbers_for_unknown_mistakes():
    with pytest.raises(CheckFailed) as failure:
        ch08.check_grid_paths(11, 21)
    assert "expected 8" not in str(failure.value)


# --------------------------------------------------------------------------- 8.7


class _Data:
    """A stand-in for ambiguous_name_sentences(...): only the arrays the checker fingerprints."""

    def __init__(self):
        self.x = np.arange(12).reshape(3, 4)
        self.lengths = np.array([3, 2, 3, 1])
        self.y = np.zeros((3, 4), dtype=np.int64)


def _returns(value):
    return lambda data, run_seed: value


def test_right_to_left_accepts_a_reproducible_measurement(capsys):
    ch08.check_right_to_left(_returns(1.0), _Data(), [1.0, 0.996, 1.0], [40, 41, 42])
    assert "✔ Exercise 8.7" in capsys.readouterr().out


def test_right_to_left_accepts_numpy_floats_and_float32(capsys):
    values = [np.float32(0.99), np.float64(1.0), 0.98]
    ch08.check_right_to_left(_returns(np.float32(0.99)), _Data(), values, [1, 2, 3])
    assert "✔ Exercise 8.7" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fn", "measured", "run_seeds", "message"),
    [
        (_returns(1.0), [1.0], [40], "measure at least three runs (seeds), received 1"),
        (_returns(1.0), 1.0, [40], "measured should be a list of accuracies"),
        (_returns(1.0), [1.0, 1.0, 1.0], [40, 41], "measured has 3 values but run_seeds 2"),
        (_returns(100.0), [100.0, 99.6, 100.0], [1, 2, 3], "the values look like percentages"),
        (_returns(1.0), [1.0, -0.5, 1.0], [1, 2, 3], "an accuracy lies in [0, 1]"),
        (_returns(0.74), [1.0, 1.0, 1.0], [1, 2, 3], "measured[0] = 1, but rerunning"),
        (_returns(0.738), [0.738, 0.741, 0.733], [1, 2, 3], "no better than a tagger reading"),
        (_returns(0.02), [0.02, 0.03, 0.01], [1, 2, 3], "read at the wrong positions"),
        (_returns("1.0x"), [1.0, 1.0, 1.0], [1, 2, 3], "should return a float, got '1.0x'"),
        (_stub, [1.0, 1.0, 1.0], [1, 2, 3], "Exercise 8.7"),
    ],
)
def test_right_to_left_names_each_mistake(fn, measured, run_seeds, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch08.check_right_to_left(fn, _Data(), measured, run_seeds)


def test_right_to_left_rejects_a_function_that_reverses_data_in_place():
    def in_place(data, run_seed):
        for n, length in enumerate(data.lengths):
            data.x[:length, n] = data.x[:length, n][::-1].copy()
        return 1.0

    with pytest.raises(CheckFailed, match="changed data.x, data.lengths or data.y in place"):
        ch08.check_right_to_left(in_place, _Data(), [1.0, 1.0, 1.0], [1, 2, 3])


def test_right_to_left_prints_enough_digits_when_the_rerun_differs():
    with pytest.raises(CheckFailed, match=r"measured\[0\] = 0\.95, but rerunning .* gives 0\.98"):
        ch08.check_right_to_left(_returns(0.98), _Data(), [0.95, 1.0, 1.0], [1, 2, 3])
