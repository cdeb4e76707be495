"""Drawings of recurrent network wirings, made with matplotlib and reused across chapters.

Every drawing uses the same visual language:

* inputs :math:`x_t` are red boxes at the bottom,
* hidden states :math:`h_t` are green boxes in the middle, joined left to right by the
  recurrent connection (the same :math:`W_{hh}` at every step),
* outputs :math:`\\hat y_t` are blue boxes at the top.

Public functions
----------------
draw_wiring(ax, n_steps, inputs, outputs, ...)  one wiring on one axes (the building block)
draw_rnn_types()                                the five RNN types side by side (five axes)
draw_unrolled(T)                                a folded RNN and the same RNN unrolled over T steps
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

INPUT_COLOR = "#f6c9c4"
HIDDEN_COLOR = "#cfe8c9"
OUTPUT_COLOR = "#c9dcf0"
EDGE_COLOR = "#333333"

_BOX_W, _BOX_H = 0.62, 0.46
_ROW_Y = {"x": 0.0, "h": 1.25, "y": 2.5}

# (title, input steps, output steps, number of steps, example, T_x, T_y)
RNN_TYPES: tuple[tuple[str, tuple[int, ...], tuple[int, ...], int, str, str, str], ...] = (
    ("one-to-one", (0,), (0,), 1, "image classification", "1", "1"),
    ("one-to-many", (0,), (0, 1, 2, 3), 4, "music generation", "1", "4"),
    ("many-to-one", (0, 1, 2, 3), (3,), 4, "sentiment classification", "4", "1"),
    (
        "many-to-many\n(equal lengths)",
        (0, 1, 2, 3),
        (0, 1, 2, 3),
        4,
        "named-entity recognition",
        "4",
        "4",
    ),
    (
        "many-to-many\n(encoder\u2013decoder)",
        (0, 1, 2, 3),
        (4, 5, 6),
        7,
        "machine translation",
        "4",
        "3",
    ),
)


def _box(ax: Axes, x: float, y: float, text: str, color: str, fontsize: float = 12) -> None:
    """Draw a rounded box centred at (x, y) with ``text`` inside."""
    patch = FancyBboxPatch(
        (x - _BOX_W / 2, y - _BOX_H / 2),
        _BOX_W,
        _BOX_H,
        boxstyle="round,pad=0.02,rounding_size=0.08",
        facecolor=color,
        edgecolor=EDGE_COLOR,
        linewidth=1.2,
        zorder=3,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str | None = None,
    label_offset: tuple[float, float] = (0.0, 0.0),
    style: str = "-",
    connection: str = "arc3",
    fontsize: float = 10,
) -> None:
    """Draw an arrow from ``start`` to ``end`` with an optional label beside its middle."""
    arrow = FancyArrowPatch(
        start,
        end,
        arrowstyle="-|>",
        mutation_scale=13,
        linewidth=1.3,
        color=EDGE_COLOR,
        linestyle=style,
        connectionstyle=connection,
        shrinkA=0,
        shrinkB=0,
        zorder=2,
    )
    ax.add_patch(arrow)
    if label:
        mx = (start[0] + end[0]) / 2 + label_offset[0]
        my = (start[1] + end[1]) / 2 + label_offset[1]
        ax.text(
            mx, my, label, ha="center", va="center", fontsize=fontsize, color="#444444", zorder=5
        )


def draw_wiring(
    ax: Axes,
    n_steps: int,
    inputs: Iterable[int],
    outputs: Iterable[int],
    title: str | None = None,
    subtitle: str | None = None,
    weight_labels: bool = False,
    fontsize: float = 12,
    spacing: float = 1.0,
) -> Axes:
    """Draw one recurrent wiring on ``ax``: a chain of ``n_steps`` hidden states.

    Parameters
    ----------
    ax : the axes to draw on; its frame and ticks are switched off.
    n_steps : number of hidden states (time steps), at least 1.
    inputs : the steps (0-based) that receive an input box :math:`x_t` below the hidden state.
    outputs : the steps (0-based) that emit an output box :math:`\\hat y_t` above it.
    title, subtitle : text above and below the drawing.
    weight_labels : write :math:`W_{xh}`, :math:`W_{hh}`, :math:`W_{hy}` beside the arrows.
    spacing : horizontal distance between steps (use about 1.5 with ``weight_labels``).

    Input boxes are numbered 1, 2, … in the order they are read, output boxes likewise, so an
    encoder–decoder with inputs at steps 0..3 and outputs at 4..6 shows x_1..x_4 and y_1..y_3.
    """
    if not isinstance(n_steps, int) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive int, got {n_steps!r}")
    inputs, outputs = sorted(set(inputs)), sorted(set(outputs))
    for name, steps in (("inputs", inputs), ("outputs", outputs)):
        bad = [s for s in steps if not 0 <= s < n_steps]
        if bad:
            raise ValueError(f"{name} must be steps in 0..{n_steps - 1}, got {bad}")

    def cx(t: int) -> float:
        return t * spacing

    for t in range(n_steps):
        _box(ax, cx(t), _ROW_Y["h"], f"$h_{{{t + 1}}}$", HIDDEN_COLOR, fontsize)
        if t > 0:
            _arrow(
                ax,
                (cx(t - 1) + _BOX_W / 2, _ROW_Y["h"]),
                (cx(t) - _BOX_W / 2, _ROW_Y["h"]),
                "$W_{hh}$" if weight_labels else None,
                (0, 0.17),
            )
    for k, t in enumerate(inputs, start=1):
        _box(ax, cx(t), _ROW_Y["x"], f"$x_{{{k}}}$", INPUT_COLOR, fontsize)
        _arrow(
            ax,
            (cx(t), _ROW_Y["x"] + _BOX_H / 2),
            (cx(t), _ROW_Y["h"] - _BOX_H / 2),
            "$W_{xh}$" if weight_labels else None,
            (0.26, 0),
        )
    for k, t in enumerate(outputs, start=1):
        _box(ax, cx(t), _ROW_Y["y"], f"$\\hat{{y}}_{{{k}}}$", OUTPUT_COLOR, fontsize)
        _arrow(
            ax,
            (cx(t), _ROW_Y["h"] + _BOX_H / 2),
            (cx(t), _ROW_Y["y"] - _BOX_H / 2),
            "$W_{hy}$" if weight_labels else None,
            (0.26, 0),
        )

    right = cx(n_steps - 1)
    ax.set_xlim(-1.0, right + 1.0)
    ax.set_ylim(-1.0, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=fontsize)
    if subtitle:
        ax.text(
            right / 2, -0.4, subtitle, ha="center", va="top", fontsize=fontsize - 2, style="italic"
        )
    return ax


def draw_rnn_types(figsize: tuple[float, float] = (15.0, 3.6)) -> Figure:
    """Draw the five RNN types side by side and return the figure (five axes).

    Left to right: one-to-one, one-to-many, many-to-one, many-to-many with equal input and
    output lengths (one output per input), and many-to-many encoder–decoder (the whole input
    is read before the first output, so the lengths may differ). Under each drawing: an
    example task and the input and output lengths :math:`T_x`, :math:`T_y`.
    """
    widths = [n + 1.0 for (_, _, _, n, _, _, _) in RNN_TYPES]
    fig, axes = plt.subplots(
        1, len(RNN_TYPES), figsize=figsize, gridspec_kw={"width_ratios": widths}
    )
    for ax, (title, ins, outs, n, example, tx, ty) in zip(axes, RNN_TYPES, strict=True):
        draw_wiring(
            ax,
            n,
            ins,
            outs,
            title=title,
            subtitle=f"{example}\n$T_x={tx}$, $T_y={ty}$",
            fontsize=11,
        )
    fig.tight_layout()
    return fig


def draw_unrolled(
    T: int = 4, show_folded: bool = True, figsize: tuple[float, float] | None = None
) -> Figure:
    """Draw an RNN unrolled over ``T`` steps and return the figure (one axes).

    Each step t reads :math:`x_t`, updates :math:`h_t` from :math:`h_{t-1}` and emits
    :math:`\\hat y_t`. The arrows carry the weight matrices :math:`W_{xh}`, :math:`W_{hh}`,
    :math:`W_{hy}`: the same three matrices at every step. The initial state :math:`h_0`
    enters from the left. With ``show_folded`` the compact form (one cell with a loop) is
    drawn first, followed by an equals sign.
    """
    if not isinstance(T, int) or isinstance(T, bool) or not 1 <= T <= 12:
        raise ValueError(f"T must be an int between 1 and 12, got {T!r}")
    step = 1.5  # room for the W labels between boxes
    offset = 2.6 if show_folded else 0.0
    right = offset + T * step
    if figsize is None:
        figsize = (max(4.0, 1.1 * (right + 1.2)), 3.8)
    fig, ax = plt.subplots(figsize=figsize)

    if show_folded:
        # The compact form: one cell whose state feeds back into itself.
        _box(ax, 0, _ROW_Y["x"], "$x_t$", INPUT_COLOR)
        _box(ax, 0, _ROW_Y["h"], "$h_t$", HIDDEN_COLOR)
        _box(ax, 0, _ROW_Y["y"], "$\\hat{y}_t$", OUTPUT_COLOR)
        _arrow(
            ax, (0, _ROW_Y["x"] + _BOX_H / 2), (0, _ROW_Y["h"] - _BOX_H / 2), "$W_{xh}$", (0.26, 0)
        )
        _arrow(
            ax, (0, _ROW_Y["h"] + _BOX_H / 2), (0, _ROW_Y["y"] - _BOX_H / 2), "$W_{hy}$", (0.26, 0)
        )
        _arrow(
            ax,
            (_BOX_W / 2, _ROW_Y["h"] + 0.1),
            (_BOX_W / 2, _ROW_Y["h"] - 0.1),
            None,
            connection="arc3,rad=-2.6",
        )
        ax.text(0.78, _ROW_Y["h"], "$W_{hh}$", ha="left", va="center", fontsize=10, color="#444444")
        ax.text(1.75, _ROW_Y["h"], "=", ha="center", va="center", fontsize=22)

    # The unrolled chain, starting from the initial state h_0.
    ax.text(offset + 0.05, _ROW_Y["h"], "$h_0$", ha="center", va="center", fontsize=12)
    for t in range(1, T + 1):
        cx = offset + t * step
        _box(ax, cx, _ROW_Y["x"], f"$x_{{{t}}}$", INPUT_COLOR)
        _box(ax, cx, _ROW_Y["h"], f"$h_{{{t}}}$", HIDDEN_COLOR)
        _box(ax, cx, _ROW_Y["y"], f"$\\hat{{y}}_{{{t}}}$", OUTPUT_COLOR)
        left = cx - step + (_BOX_W / 2 if t > 1 else 0.25)
        _arrow(ax, (left, _ROW_Y["h"]), (cx - _BOX_W / 2, _ROW_Y["h"]), "$W_{hh}$", (0, 0.17))
        _arrow(
            ax,
            (cx, _ROW_Y["x"] + _BOX_H / 2),
            (cx, _ROW_Y["h"] - _BOX_H / 2),
            "$W_{xh}$",
            (0.26, 0),
        )
        _arrow(
            ax,
            (cx, _ROW_Y["h"] + _BOX_H / 2),
            (cx, _ROW_Y["y"] - _BOX_H / 2),
            "$W_{hy}$",
            (0.26, 0),
        )

    ax.set_xlim(-0.6, right + 0.6)
    ax.set_ylim(-0.75, 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.text(
        offset + (T + 1) * step / 2,
        -0.45,
        "time step $t$ \u2192",
        ha="center",
        va="top",
        fontsize=11,
    )
    fig.tight_layout()
    return fig
