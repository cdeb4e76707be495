"""The deep and bidirectional drawings hold the boxes and labels they promise and reject bad
sizes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from rnnbook import diagrams  # noqa: E402
from rnnbook.diagrams import stacks  # noqa: E402


def _labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _boxes(ax, color: str) -> int:
    return sum(
        isinstance(p, FancyBboxPatch) and to_hex(p.get_facecolor()) == to_hex(color)
        for p in ax.patches
    )


@pytest.mark.parametrize(("n_layers", "n_steps"), [(3, 4), (1, 1), (2, 5), (4, 2)])
def test_deep_rnn_is_a_grid_of_layers_by_steps(n_layers, n_steps):
    fig = diagrams.draw_deep_rnn(n_layers, n_steps)
    (ax,) = fig.get_axes()
    assert _boxes(ax, diagrams.HIDDEN_COLOR) == n_layers * n_steps
    assert _boxes(ax, diagrams.INPUT_COLOR) == n_steps
    assert _boxes(ax, diagrams.OUTPUT_COLOR) == n_steps
    labels = _labels(ax)
    assert f"$h_{{{n_steps}}}^{{({n_layers})}}$" in labels and f"$x_{{{n_steps}}}$" in labels
    assert f"$\\hat{{y}}_{{{n_steps}}}$" in labels and "$h_t^{(0)} = x_t$" in labels
    for layer in range(1, n_layers + 1):  # each row's weights are labelled once
        assert labels.count(f"$W_{{hh}}^{{({layer})}}$") == 1
        assert labels.count(f"$W_{{xh}}^{{({layer})}}$") == 1
    assert "time →" in labels and "depth ↑" in labels
    # arrows: right within each row (including h_0), up into each box, up to each output
    arrows = sum(isinstance(p, FancyArrowPatch) for p in ax.patches)
    assert arrows == 2 * n_layers * n_steps + n_steps
    assert not ax.axison
    plt.close(fig)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_layers": 0}, "n_layers must be an int between 1 and 6, got 0"),
        ({"n_layers": 2.0}, "n_layers must be an int between 1 and 6"),
        ({"n_steps": 0}, "n_steps must be an int between 1 and 10, got 0"),
        ({"n_steps": 11}, "n_steps must be an int between 1 and 10"),
        ({"n_steps": True}, "n_steps must be an int"),
    ],
)
def test_deep_rnn_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        diagrams.draw_deep_rnn(**kwargs)


@pytest.mark.parametrize("n_steps", [1, 4, 6])
def test_bidirectional_has_two_chains_in_two_colours(n_steps):
    fig = diagrams.draw_bidirectional(n_steps)
    (ax,) = fig.get_axes()
    assert _boxes(ax, diagrams.HIDDEN_COLOR) == 2 * n_steps
    assert _boxes(ax, stacks.CONCAT_COLOR) == n_steps
    labels = _labels(ax)
    t = n_steps
    assert f"$\\overrightarrow{{h}}_{{{t}}}$" in labels
    assert f"$\\overleftarrow{{h}}_{{{t}}}$" in labels
    assert f"$[\\overrightarrow{{h}}_{{{t}}}, \\overleftarrow{{h}}_{{{t}}}]$" in labels
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    backward = [p for p in arrows if to_hex(p.get_edgecolor()) == stacks.BACKWARD_COLOR]
    # per step: the chain arrow, the arrow from x_t and the arrow up to the concatenation
    assert len(backward) == 3 * n_steps
    # the backward chain runs right to left
    paths = [p.get_path().vertices[:3] for p in backward]  # the shaft, without the head
    chain = [v for v in paths if abs(v[:, 1].max() - v[:, 1].min()) < 0.2]  # horizontal
    assert len(chain) == n_steps
    assert all(v[0, 0] > v[:, 0].min() + 0.3 for v in chain)  # starts at its right end
    plt.close(fig)


@pytest.mark.parametrize("n_steps", [0, 9, 3.0])
def test_bidirectional_rejects_bad_n_steps(n_steps):
    with pytest.raises(ValueError, match="n_steps must be an int between 1 and 8"):
        diagrams.draw_bidirectional(n_steps)
