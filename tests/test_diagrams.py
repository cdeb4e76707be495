"""The wiring drawings produce the panels and boxes they promise and reject bad arguments."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from rnnbook import diagrams  # noqa: E402


def _labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _boxes(ax) -> int:
    return sum(isinstance(p, FancyBboxPatch) for p in ax.patches)


def test_rnn_types_has_five_panels_with_the_right_boxes():
    fig = diagrams.draw_rnn_types()
    axes = fig.get_axes()
    assert len(axes) == 5
    titles = [ax.get_title().replace("\n", " ") for ax in axes]
    assert titles[0] == "one-to-one" and titles[2] == "many-to-one"
    # inputs + hidden states + outputs per panel
    assert [_boxes(ax) for ax in axes] == [3, 9, 9, 12, 14]
    assert "$x_{4}$" in _labels(axes[4]) and "$\\hat{y}_{3}$" in _labels(axes[4])
    assert "$x_{5}$" not in _labels(axes[4])
    plt.close(fig)


@pytest.mark.parametrize("T", [1, 3, 6])
def test_unrolled_draws_T_steps_and_shared_weights(T):
    fig = diagrams.draw_unrolled(T)
    (ax,) = fig.get_axes()
    labels = _labels(ax)
    assert _boxes(ax) == 3 * T + 3  # the folded cell has three boxes too
    assert labels.count("$W_{hh}$") == T + 1  # T arrows in the chain, one loop when folded
    assert labels.count("$W_{xh}$") == T + 1
    assert f"$\\hat{{y}}_{{{T}}}$" in labels and "$h_0$" in labels
    plt.close(fig)
    fig = diagrams.draw_unrolled(T, show_folded=False)
    assert _boxes(fig.get_axes()[0]) == 3 * T
    plt.close(fig)


@pytest.mark.parametrize("T", [0, -2, 2.5, 13, True])
def test_unrolled_rejects_bad_T(T):
    with pytest.raises(ValueError, match="T must be an int between 1 and 12"):
        diagrams.draw_unrolled(T)


def test_wiring_rejects_steps_outside_the_chain():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"outputs must be steps in 0\.\.2, got \[3\]"):
        diagrams.draw_wiring(ax, 3, inputs=[0], outputs=[3])
    with pytest.raises(ValueError, match="n_steps must be a positive int"):
        diagrams.draw_wiring(ax, 0, inputs=[], outputs=[])
    plt.close(fig)
