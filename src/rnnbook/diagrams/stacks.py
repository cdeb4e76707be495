"""Deep and bidirectional RNNs, drawn in the visual language of :mod:`rnnbook.diagrams.wirings`
(chapter 08).

Inputs :math:`x_t` are red boxes at the bottom, hidden states green boxes, outputs
:math:`\\hat y_t` blue boxes at the top; time runs to the right. In a deep RNN the layers are
stacked upwards, layer :math:`\\ell` reading the states of layer :math:`\\ell - 1`
(:math:`h_t^{(0)} = x_t`), and a weight shared along a row is labelled once. In a
bidirectional RNN the backward chain is drawn in orange, running right to left.

Public functions
----------------
draw_deep_rnn(n_layers, n_steps)   a grid of layers × time steps
draw_bidirectional(n_steps)        a forward and a backward chain feeding each output
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from rnnbook.diagrams.wirings import (
    _BOX_H,
    _BOX_W,
    EDGE_COLOR,
    HIDDEN_COLOR,
    INPUT_COLOR,
    OUTPUT_COLOR,
    _arrow,
    _box,
)

BACKWARD_COLOR = "#d95f02"
CONCAT_COLOR = "#ffffff"


def _check_int(value: int, name: str, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be an int between {low} and {high}, got {value!r}")


def _axis_notes(ax: Axes, x0: float, x1: float, y0: float, y1: float, vertical: bool) -> None:
    """'time →' under the drawing and, for a deep RNN, 'depth ↑' on its left."""
    ax.text((x0 + x1) / 2, y0, "time →", ha="center", va="top", fontsize=12)
    if vertical:
        ax.text(x0, (y0 + y1) / 2, "depth ↑", ha="right", va="center", fontsize=12, rotation=90)


# ----------------------------------------------------------------------------------------
# Deep RNN
# ----------------------------------------------------------------------------------------
_DX, _DY = 1.9, 1.35  # distance between steps and between layers


def _deep_row(ax: Axes, layer: int, n_steps: int) -> None:
    """Layer ``layer`` (1-based): its boxes, the recurrent arrows and the arrows from below."""
    y = layer * _DY
    ax.text(-0.95, y, f"$h_0^{{({layer})}}$", ha="center", va="center", fontsize=11)
    for t in range(1, n_steps + 1):
        cx = (t - 1) * _DX
        _box(ax, cx, y, f"$h_{{{t}}}^{{({layer})}}$", HIDDEN_COLOR, 11)
        left = cx - _DX + _BOX_W / 2 if t > 1 else -0.7
        label = f"$W_{{hh}}^{{({layer})}}$" if t == 2 or (t == 1 and n_steps == 1) else None
        _arrow(ax, (left, y), (cx - _BOX_W / 2, y), label, (0, 0.2))
        label = f"$W_{{xh}}^{{({layer})}}$" if t == 1 else None
        _arrow(ax, (cx, y - _DY + _BOX_H / 2), (cx, y - _BOX_H / 2), label, (0.36, 0))


def draw_deep_rnn(n_layers: int = 3, n_steps: int = 4) -> Figure:
    """Draw a deep (stacked) RNN as a grid: columns are time steps, rows are layers (one axes).

    Layer :math:`\\ell` computes :math:`h_t^{(\\ell)}` from :math:`h_{t-1}^{(\\ell)}` (arrow to
    the right, the same :math:`W_{hh}^{(\\ell)}` along the row) and from
    :math:`h_t^{(\\ell-1)}` (arrow up, :math:`W_{xh}^{(\\ell)}`), with :math:`h_t^{(0)} = x_t`;
    the top layer emits :math:`\\hat y_t`. The grid holds ``n_layers * n_steps`` green boxes.
    """
    _check_int(n_layers, "n_layers", 1, 6)
    _check_int(n_steps, "n_steps", 1, 10)
    right = (n_steps - 1) * _DX
    top = (n_layers + 1) * _DY
    width = right + 3.4
    height = top + 1.6
    fig, ax = plt.subplots(figsize=(min(10.0, 1.05 * width + 1.0), 0.9 * height + 0.6))
    for t in range(1, n_steps + 1):
        cx = (t - 1) * _DX
        _box(ax, cx, 0.0, f"$x_{{{t}}}$", INPUT_COLOR, 11)
        _box(ax, cx, top, f"$\\hat{{y}}_{{{t}}}$", OUTPUT_COLOR, 11)
        label = "$W_{hy}$" if t == 1 else None
        _arrow(ax, (cx, top - _DY + _BOX_H / 2), (cx, top - _BOX_H / 2), label, (0.3, 0))
    for layer in range(1, n_layers + 1):
        _deep_row(ax, layer, n_steps)
        ax.text(right + 0.6, layer * _DY, f"layer {layer}", va="center", fontsize=11)
    ax.text(right + 0.6, 0.0, "$h_t^{(0)} = x_t$", va="center", fontsize=11)
    _axis_notes(ax, -1.3, right + 0.4, -0.55, top, vertical=True)
    ax.set_xlim(-1.9, right + 2.0)
    ax.set_ylim(-1.0, top + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------
# Bidirectional RNN
# ----------------------------------------------------------------------------------------
_BX = 2.3  # distance between steps
_SHIFT = 0.42  # forward boxes sit left of the step's centre, backward boxes right of it
_ROWS = {"x": 0.0, "fwd": 1.35, "bwd": 2.55, "cat": 3.85, "y": 5.0}
_CAT_W = 1.5


def _link(ax: Axes, start, end, color: str = EDGE_COLOR) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=13,
            linewidth=1.3,
            color=color,
            shrinkA=0,
            shrinkB=0,
            zorder=2,
        )
    )


def _coloured_box(ax: Axes, x: float, y: float, text: str, edge: str) -> None:
    _box(ax, x, y, text, HIDDEN_COLOR, 12)
    ax.patches[-1].set_edgecolor(edge)
    ax.patches[-1].set_linewidth(1.6)


def _bidirectional_step(ax: Axes, t: int, n_steps: int) -> None:
    cx = (t - 1) * _BX
    xf, xb = cx - _SHIFT, cx + _SHIFT
    r = _ROWS
    _box(ax, cx, r["x"], f"$x_{{{t}}}$", INPUT_COLOR, 12)
    _coloured_box(ax, xf, r["fwd"], f"$\\overrightarrow{{h}}_{{{t}}}$", EDGE_COLOR)
    _coloured_box(ax, xb, r["bwd"], f"$\\overleftarrow{{h}}_{{{t}}}$", BACKWARD_COLOR)
    _box(ax, cx, r["cat"], "", CONCAT_COLOR, 12)
    patch = ax.patches[-1]
    patch.set_x(cx - _CAT_W / 2)
    patch.set_width(_CAT_W)
    ax.texts[-1].set_text(f"$[\\overrightarrow{{h}}_{{{t}}}, \\overleftarrow{{h}}_{{{t}}}]$")
    _box(ax, cx, r["y"], f"$\\hat{{y}}_{{{t}}}$", OUTPUT_COLOR, 12)
    top_x = r["x"] + _BOX_H / 2
    _link(ax, (cx - 0.12, top_x), (xf, r["fwd"] - _BOX_H / 2))
    _link(ax, (cx + 0.12, top_x), (xb, r["bwd"] - _BOX_H / 2), BACKWARD_COLOR)
    _link(ax, (xf, r["fwd"] + _BOX_H / 2), (xf, r["cat"] - _BOX_H / 2))
    _link(ax, (xb, r["bwd"] + _BOX_H / 2), (xb, r["cat"] - _BOX_H / 2), BACKWARD_COLOR)
    _link(ax, (cx, r["cat"] + _BOX_H / 2), (cx, r["y"] - _BOX_H / 2))
    # The two chains: forward from the step before, backward from the step after.
    left = xf - _BX + _BOX_W / 2 if t > 1 else xf - 1.0
    _link(ax, (left, r["fwd"]), (xf - _BOX_W / 2, r["fwd"]))
    right = xb + _BX - _BOX_W / 2 if t < n_steps else xb + 1.0
    _link(ax, (right, r["bwd"]), (xb + _BOX_W / 2, r["bwd"]), BACKWARD_COLOR)


def draw_bidirectional(n_steps: int = 4) -> Figure:
    """Draw a bidirectional RNN over ``n_steps`` steps and return the figure (one axes).

    The forward chain :math:`\\overrightarrow{h}_t` runs left to right, the backward chain
    :math:`\\overleftarrow{h}_t` (orange) right to left; both read every :math:`x_t`, and
    :math:`\\hat y_t` reads their concatenation :math:`[\\overrightarrow{h}_t,
    \\overleftarrow{h}_t]`, so each output sees the whole sequence. The drawing holds
    ``2 * n_steps`` green boxes.
    """
    _check_int(n_steps, "n_steps", 1, 8)
    right = (n_steps - 1) * _BX
    r = _ROWS
    fig, ax = plt.subplots(figsize=(min(10.0, 1.0 * (right + 5.0)), 5.2))
    for t in range(1, n_steps + 1):
        _bidirectional_step(ax, t, n_steps)
    ax.text(
        -_SHIFT - 1.1, r["fwd"], "$\\overrightarrow{h}_0$", ha="right", va="center", fontsize=12
    )
    ax.text(
        right + _SHIFT + 1.1,
        r["bwd"],
        f"$\\overleftarrow{{h}}_{{{n_steps + 1}}}$",
        ha="left",
        va="center",
        fontsize=12,
        color=BACKWARD_COLOR,
    )
    ax.text(-2.0, r["fwd"], "forward", ha="right", va="center", fontsize=11)
    ax.text(-2.0, r["bwd"], "backward", ha="right", va="center", fontsize=11, color=BACKWARD_COLOR)
    ax.text(-2.0, r["cat"], "concatenate", ha="right", va="center", fontsize=11)
    _axis_notes(ax, -1.0, right + 1.0, -0.5, r["y"], vertical=False)
    ax.set_xlim(-3.9, right + 1.9)
    ax.set_ylim(-1.0, r["y"] + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
