"""The repeating modules of recurrent networks, drawn inside the cell (chapters 06 and 07).

The visual language follows colah's LSTM essay, drawn anew, and extends the one of
:mod:`rnnbook.diagrams.wirings`:

* a **yellow box** is a neural network layer (an affine map followed by σ or tanh),
* a **white box with a yellow border** is a linear map alone (an affine map, no activation),
  e.g. the GRU's :math:`W_{hh} h_{t-1} + b_{hh}` before the reset gate scales it,
* a **pink circle** is a pointwise operation (×, +, tanh, 1−),
* a **line with an arrow** carries a vector from one place to another,
* two lines **merging** into one concatenate their vectors, e.g. :math:`[h_{t-1}, x_t]`,
* a line **forking** at a dot copies its vector,
* inputs :math:`x_t` are red boxes at the bottom and hidden states :math:`h_t` green boxes,
  as in the wiring drawings; the LSTM's cell state :math:`c_t` runs as the horizontal line
  along the top of the cell, its hidden state along the bottom.

A drawing can *highlight* one path: that path keeps its colours and is drawn thicker, all
the rest turns grey. Coordinates are in one unit per "slot"; a cell spans x in [0, 10].

Public functions
----------------
draw_repeating_modules()          one tanh layer in the RNN against four layers in the LSTM
draw_lstm_cell(highlight, ax)     the LSTM cell with its legend, one path highlighted
draw_lstm_walkthrough()           the cell, forget, input and output paths with their equations
draw_gradient_paths(n_steps)      the gradient along the cell state against the hidden state
draw_gru_cell(highlight, reset)   the GRU cell, one path highlighted, reset after or before
draw_lstm_vs_gru()                the two cells side by side
draw_reset_placement()            the GRU candidate with reset before or after the product
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from rnnbook.diagrams.wirings import EDGE_COLOR, HIDDEN_COLOR, INPUT_COLOR

LAYER_COLOR = "#fbe08f"
LINEAR_COLOR = "#ffffff"
LINEAR_EDGE = "#d9a521"
POINTWISE_COLOR = "#f5bfd3"
CELL_COLOR = "#eeeeee"
GREY_LINE = "#c9c9c9"
GREY_FILL = "#f5f5f5"
GREY_TEXT = "#b3b3b3"
CELL_PATH_COLOR = "#d95f02"
HIDDEN_PATH_COLOR = "#5e3c99"

LSTM_HIGHLIGHTS = (None, "cell", "forget", "input", "output")
GRU_HIGHLIGHTS = (None, "reset", "update", "candidate")
GRU_RESETS = ("after", "before")

_ALWAYS = None  # group marker: drawn in full colour whatever is highlighted
_OP_R = 0.3  # radius of a pointwise operation
_TANH_R = 0.4  # radius of a pointwise operation with a word in it
_LAYER_H = 0.62  # height of a layer box


def _check_highlight(highlight: str | None, allowed: tuple[str | None, ...]) -> None:
    if highlight not in allowed:
        raise ValueError(f"highlight must be one of {allowed}, got {highlight!r}")


@dataclass
class _Pen:
    """Draws on ``ax`` at an offset; elements outside the highlighted path turn grey."""

    ax: Axes
    highlight: str | None = None
    dx: float = 0.0
    dy: float = 0.0
    fontsize: float = 11

    def active(self, groups: Iterable[str] | None) -> bool:
        return groups is None or self.highlight is None or self.highlight in groups

    def _p(self, x: float, y: float) -> tuple[float, float]:
        return (x + self.dx, y + self.dy)

    def _line_style(self, groups: Iterable[str] | None) -> tuple[str, float]:
        if not self.active(groups):
            return GREY_LINE, 1.3
        return EDGE_COLOR, (2.6 if self.highlight is not None and groups is not None else 1.5)

    def line(
        self,
        points: Sequence[tuple[float, float]],
        groups: Iterable[str] | None = _ALWAYS,
        arrow: bool = True,
        color: str | None = None,
        lw: float | None = None,
    ) -> None:
        """A polyline through ``points``, with an arrow head on its last segment."""
        c, w = self._line_style(groups)
        c, w = color or c, lw or w
        pts = [self._p(*p) for p in points]
        if len(pts) > 2 or not arrow:
            last = pts[-2:] if arrow else pts
            body = pts[:-1] if arrow else pts
            xs, ys = zip(*body, strict=True)
            self.ax.plot(xs, ys, color=c, lw=w, solid_joinstyle="miter", zorder=2)
            if not arrow:
                return
            pts = last
        self.ax.add_patch(
            FancyArrowPatch(
                pts[0],
                pts[1],
                arrowstyle="-|>",
                mutation_scale=9 + 2 * w,
                color=c,
                lw=w,
                shrinkA=0,
                shrinkB=0,
                zorder=2,
            )
        )

    def dot(self, x: float, y: float, groups: Iterable[str] | None = _ALWAYS) -> None:
        """A copy: the vector at (x, y) goes on along two lines."""
        c, w = self._line_style(groups)
        self.ax.add_patch(Circle(self._p(x, y), 0.07 + 0.015 * w, color=c, zorder=2.5))

    def _text(self, x: float, y: float, text: str, active: bool, **kw) -> None:
        kw.setdefault("fontsize", self.fontsize)
        kw.setdefault("ha", "center")
        kw.setdefault("va", "center")
        kw.setdefault("zorder", 5)
        kw["color"] = kw.get("color", "black") if active else GREY_TEXT
        self.ax.text(*self._p(x, y), text, **kw)

    def layer(
        self, x: float, y: float, text: str, groups: Iterable[str] | None = _ALWAYS, w: float = 1.0
    ) -> None:
        """A yellow neural network layer centred at (x, y)."""
        self._box(x, y, w, _LAYER_H, text, LAYER_COLOR, groups, rounding=0.06)

    def linear(
        self, x: float, y: float, text: str, groups: Iterable[str] | None = _ALWAYS, w: float = 1.0
    ) -> None:
        """A linear map (affine, no activation) centred at (x, y): white, yellow border."""
        self._box(x, y, w, _LAYER_H, text, LINEAR_COLOR, groups, rounding=0.06, edge=LINEAR_EDGE)

    def tag(
        self,
        x: float,
        y: float,
        text: str,
        color: str,
        groups: Iterable[str] | None = _ALWAYS,
        w: float = 0.9,
    ) -> None:
        """A vector entering or leaving the drawing, e.g. a red :math:`x_t` box."""
        self._box(x, y, w, 0.5, text, color, groups, rounding=0.1)

    def _box(self, x, y, w, h, text, color, groups, rounding, edge=EDGE_COLOR) -> None:
        active = self.active(groups)
        strong = active and self.highlight is not None and groups is not None
        thick = 1.6 if edge != EDGE_COLOR else 1.2  # a coloured border needs more weight
        cx, cy = self._p(x, y)
        self.ax.add_patch(
            FancyBboxPatch(
                (cx - w / 2, cy - h / 2),
                w,
                h,
                boxstyle=f"round,pad=0.02,rounding_size={rounding}",
                facecolor=color if active else GREY_FILL,
                edgecolor=edge if active else GREY_LINE,
                linewidth=2.2 if strong else thick,
                zorder=3,
            )
        )
        self._text(x, y, text, active)

    def op(self, x: float, y: float, text: str, groups: Iterable[str] | None = _ALWAYS) -> None:
        """A pink pointwise operation centred at (x, y)."""
        active = self.active(groups)
        strong = active and self.highlight is not None and groups is not None
        small = text not in ("×", "+", "")
        self.ax.add_patch(
            Circle(
                self._p(x, y),
                _TANH_R if small else _OP_R,
                facecolor=POINTWISE_COLOR if active else GREY_FILL,
                edgecolor=EDGE_COLOR if active else GREY_LINE,
                linewidth=2.2 if strong else 1.2,
                zorder=3,
            )
        )
        size = self.fontsize * (1.15 if not small else 0.8 if len(text) > 2 else 1.0)
        self._text(x, y, text, active, fontsize=size)

    def label(
        self, x: float, y: float, text: str, groups: Iterable[str] | None = _ALWAYS, **kw
    ) -> None:
        """A plain symbol next to a line, e.g. :math:`f_t`."""
        self._text(x, y, text, self.active(groups), **kw)

    def frame(self, x0: float, y0: float, x1: float, y1: float, text: str = "") -> None:
        """The grey rounded rectangle of one module."""
        px, py = self._p(x0, y0)
        self.ax.add_patch(
            FancyBboxPatch(
                (px, py),
                x1 - x0,
                y1 - y0,
                boxstyle="round,pad=0,rounding_size=0.45",
                facecolor=CELL_COLOR,
                edgecolor="#9a9a9a",
                linewidth=1.2,
                zorder=1,
            )
        )
        if text:
            self._text((x0 + x1) / 2, (y0 + y1) / 2, text, True, color="#555555")


def _finish(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


# ----------------------------------------------------------------------------------------
# LSTM
# ----------------------------------------------------------------------------------------
# Rows of the LSTM cell: the cell state on top, the hidden state at the bottom.
_C_Y, _H_Y, _LAYER_Y = 5.2, 0.6, 1.8
_GATES = ("forget", "input", "output")


def _lstm_inside(pen: _Pen, ends: bool = True, left: float = -0.6, right: float = 10.6) -> None:
    """The inside of one LSTM cell spanning x in [0, 10]; its lines reach ``left``, ``right``.

    With ``ends`` the entering and leaving vectors get their labels.
    """
    cell, fo, inp, out = ("cell",), ("forget",), ("input",), ("output",)
    pen.frame(0, -0.3, 10, 6.0)
    # The cell state: c_{t-1} -> x f_t -> + -> c_t, with a copy down to tanh.
    pen.line([(left, _C_Y), (2.0 - _OP_R, _C_Y)], ("cell", "forget"), arrow=False)
    pen.line([(2.0 + _OP_R, _C_Y), (5.0 - _OP_R, _C_Y)], cell, arrow=False)
    pen.line([(5.0 + _OP_R, _C_Y), (8.4, _C_Y)], ("cell", "output"), arrow=False)
    pen.line([(8.4, _C_Y), (right, _C_Y)], cell)
    pen.op(2.0, _C_Y, "×", ("cell", "forget"))
    pen.op(5.0, _C_Y, "+", ("cell", "input"))
    # The hidden state h_{t-1} meets x_t (concatenation) and is copied to the four layers.
    pen.line([(left, _H_Y), (1.0, _H_Y)], _GATES, arrow=False)
    pen.line([(1.0, -0.8), (1.0, _H_Y)], _GATES, arrow=False)
    pen.line([(1.0, _H_Y), (2.0, _H_Y)], _GATES, arrow=False)
    pen.line([(2.0, _H_Y), (3.5, _H_Y)], ("input", "output"), arrow=False)
    pen.line([(3.5, _H_Y), (5.0, _H_Y)], ("input", "output"), arrow=False)
    pen.line([(5.0, _H_Y), (7.0, _H_Y), (7.0, _LAYER_Y - _LAYER_H / 2)], out)
    for x, groups in ((2.0, _GATES), (3.5, ("input", "output")), (5.0, ("input", "output"))):
        pen.dot(x, _H_Y, groups)
    top = _LAYER_Y + _LAYER_H / 2
    # Forget gate.
    pen.line([(2.0, _H_Y), (2.0, _LAYER_Y - _LAYER_H / 2)], fo)
    pen.layer(2.0, _LAYER_Y, "σ", fo)
    pen.line([(2.0, top), (2.0, _C_Y - _OP_R)], fo)
    pen.label(2.32, 3.5, "$f_t$", fo)
    # Input gate and candidate, multiplied and added to the cell state.
    pen.line([(3.5, _H_Y), (3.5, _LAYER_Y - _LAYER_H / 2)], inp)
    pen.layer(3.5, _LAYER_Y, "σ", inp)
    pen.line([(3.5, top), (3.5, 3.6), (5.0 - _OP_R, 3.6)], inp)
    pen.label(3.82, 2.85, "$i_t$", inp)
    pen.line([(5.0, _H_Y), (5.0, _LAYER_Y - _LAYER_H / 2)], inp)
    pen.layer(5.0, _LAYER_Y, "tanh", inp, w=1.1)
    pen.line([(5.0, top), (5.0, 3.6 - _OP_R)], inp)
    pen.label(5.42, 2.75, r"$\tilde c_t$", inp)
    pen.op(5.0, 3.6, "×", inp)
    pen.line([(5.0, 3.6 + _OP_R), (5.0, _C_Y - _OP_R)], inp)
    # Output gate: h_t = o_t * tanh(c_t).
    pen.layer(7.0, _LAYER_Y, "σ", out)
    pen.line([(7.0, top), (7.0, 2.8), (8.4 - _OP_R, 2.8)], out)
    pen.label(7.35, 3.05, "$o_t$", out)
    pen.dot(8.4, _C_Y, ("cell", "output"))
    pen.line([(8.4, _C_Y), (8.4, 4.0 + _TANH_R)], out)
    pen.op(8.4, 4.0, "tanh", out)
    pen.line([(8.4, 4.0 - _TANH_R), (8.4, 2.8 + _OP_R)], out)
    pen.op(8.4, 2.8, "×", out)
    pen.line([(8.4, 2.8 - _OP_R), (8.4, _H_Y), (right, _H_Y)], out)
    pen.dot(9.3, _H_Y, out)
    pen.line([(9.3, _H_Y), (9.3, 6.55)], out)
    if ends:
        pen.label(-1.05, _C_Y, "$c_{t-1}$", ("cell", "forget"), ha="right")
        pen.label(11.05, _C_Y, "$c_t$", cell, ha="left")
        pen.tag(-1.35, _H_Y, "$h_{t-1}$", HIDDEN_COLOR, _GATES, w=1.25)
        pen.tag(11.1, _H_Y, "$h_t$", HIDDEN_COLOR, out)
        pen.tag(9.3, 6.85, "$h_t$", HIDDEN_COLOR, out)
        pen.tag(1.0, -1.05, "$x_t$", INPUT_COLOR, _GATES)


def _legend(
    ax: Axes, y: float, x0: float, x1: float, fontsize: float = 10, linear: bool = False
) -> None:
    """The legend strip: layer, (linear map,) pointwise operation, vector transfer,
    concatenate, copy."""
    pen = _Pen(ax, fontsize=fontsize)
    names = ["neural network\nlayer", "pointwise\noperation", "vector\ntransfer"]
    names += ["concatenate", "copy"]
    if linear:
        names.insert(1, "linear map\n(no activation)")
    step = (x1 - x0) / len(names)
    xs = [x0 + step * (k + 0.5) for k in range(len(names))]
    for x, name in zip(xs, names, strict=True):
        pen.label(x, y - 0.7, name, va="top", fontsize=fontsize)
    if linear:
        pen.linear(xs.pop(1), y, "", w=0.9)
    pen.layer(xs[0], y, "", w=0.9)
    pen.op(xs[1], y, "")
    pen.line([(xs[2] - 0.6, y), (xs[2] + 0.6, y)])
    pen.line([(xs[3] - 0.6, y + 0.3), (xs[3] - 0.1, y), (xs[3] + 0.6, y)])
    pen.line([(xs[3] - 0.6, y - 0.3), (xs[3] - 0.1, y)], arrow=False)
    pen.line([(xs[4] - 0.6, y), (xs[4] - 0.05, y), (xs[4] + 0.6, y + 0.3)])
    pen.line([(xs[4] - 0.05, y), (xs[4] + 0.6, y - 0.3)])
    pen.dot(xs[4] - 0.05, y)


def _draw_cell(
    inside: Callable[[_Pen], None],
    highlight: str | None,
    ax: Axes | None,
    legend: bool,
    fontsize: float,
    linear_legend: bool = False,
) -> Figure:
    """Draw a cell with ``inside`` (spanning x in [0, 10]) and optionally the legend strip
    (with a linear-map entry if ``linear_legend``)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 6.7 if legend else 5.3))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    inside(_Pen(ax, highlight, fontsize=fontsize))
    bottom = -1.45
    if legend:
        _legend(ax, -2.3, -1.8, 11.8, linear=linear_legend)
        bottom = -3.9
    _finish(ax, (-2.3, 12.0), (bottom, 7.3))
    return ax.figure


def draw_lstm_cell(
    highlight: str | None = None,
    ax: Axes | None = None,
    *,
    legend: bool = True,
    fontsize: float = 11,
) -> Figure:
    """Draw one LSTM cell in colah's style and return its figure (one axes unless ``ax``).

    The cell state runs along the top (:math:`c_{t-1}` → × :math:`f_t` → + → :math:`c_t`),
    the hidden state along the bottom: :math:`h_{t-1}` is concatenated with :math:`x_t` and
    copied into four layers (σ for :math:`f_t`, σ for :math:`i_t`, tanh for
    :math:`\\tilde c_t`, σ for :math:`o_t`); :math:`h_t = o_t \\odot \\tanh(c_t)` leaves to
    the right and upwards.

    Parameters
    ----------
    highlight : None, "cell", "forget", "input" or "output": draw that path thick and in
        colour, and grey the rest.
    ax : draw on this axes instead of a new figure.
    legend : add the legend strip under the cell.
    fontsize : size of the symbols (use about 10 when two cells share the book's width).
    """
    _check_highlight(highlight, LSTM_HIGHLIGHTS)
    return _draw_cell(_lstm_inside, highlight, ax, legend, fontsize)


_WALKTHROUGH = (
    ("cell", "the cell state", r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$"),
    ("forget", "the forget gate", r"$f_t = \sigma(W_f\,[h_{t-1}, x_t] + b_f)$"),
    (
        "input",
        "the input gate and the candidate",
        r"$i_t = \sigma(W_i\,[h_{t-1}, x_t] + b_i)$" + "\n"
        r"$\tilde c_t = \tanh(W_g\,[h_{t-1}, x_t] + b_g)$",
    ),
    (
        "output",
        "the output gate",
        r"$o_t = \sigma(W_o\,[h_{t-1}, x_t] + b_o)$" + "\n" r"$h_t = o_t \odot \tanh(c_t)$",
    ),
)


def draw_lstm_walkthrough() -> Figure:
    """Draw the LSTM cell four times (2×2 axes), highlighting the cell, forget, input and
    output paths in turn, each titled with its equation."""
    fig, axes = plt.subplots(2, 2, figsize=(10.0, 7.6))
    for ax, (path, name, equation) in zip(axes.flat, _WALKTHROUGH, strict=True):
        draw_lstm_cell(path, ax, legend=False)
        ax.set_title(f"{name}\n{equation}", fontsize=11.5)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------
# The gradient paths of an unrolled LSTM
# ----------------------------------------------------------------------------------------
_STEP = 4.0  # distance between unrolled cells
_GC_Y, _GH_Y, _GL_Y = 2.8, 0.8, 1.6  # cell state, hidden state and layer rows


def _check_steps(n_steps: int, low: int, name: str = "n_steps") -> None:
    if not isinstance(n_steps, int) or isinstance(n_steps, bool) or not low <= n_steps <= 12:
        raise ValueError(f"{name} must be an int between {low} and 12, got {n_steps!r}")


def _unrolled_lstm_cell(pen: _Pen, k: int) -> None:
    """Cell k of the unrolled LSTM: the gates box, × f_k and + on the cell state, and
    h_k = o_k ⊙ tanh(c_k) (the pink × below the cell state)."""
    cx = _STEP * k
    pen.frame(cx - 1.45, 0.15, cx + 1.45, 3.55)
    pen.op(cx - 0.6, _GC_Y, "×")
    pen.op(cx + 0.25, _GC_Y, "+")
    pen.layer(cx - 0.55, _GL_Y, "gates", w=1.1)
    pen.line([(cx - 0.6, _GL_Y + _LAYER_H / 2), (cx - 0.6, _GC_Y - _OP_R)])
    pen.line([(cx, _GL_Y), (cx + 0.25, _GL_Y), (cx + 0.25, _GC_Y - _OP_R)])
    pen.line([(cx - _STEP / 2, _GH_Y), (cx - 0.85, _GH_Y), (cx - 0.85, 1.29)])
    pen.tag(cx - 0.3, -0.75, f"$x_{{{k}}}$", INPUT_COLOR, w=0.7)
    pen.line([(cx - 0.3, -0.5), (cx - 0.3, 1.29)])
    pen.dot(cx + 0.95, _GC_Y)
    pen.line([(cx + 0.95, _GC_Y), (cx + 0.95, _GL_Y + _OP_R)])
    pen.op(cx + 0.95, _GL_Y, "×")
    pen.line([(cx + 0.95, _GL_Y - _OP_R), (cx + 0.95, _GH_Y), (cx + _STEP / 2, _GH_Y)], arrow=False)


def _gradient_hop(ax: Axes, x0: float, x1: float, y: float, color: str, lw: float) -> None:
    ax.add_patch(
        FancyArrowPatch(
            (x0, y),
            (x1, y),
            arrowstyle="-|>",
            mutation_scale=16,
            color=color,
            lw=lw,
            shrinkA=4,
            shrinkB=4,
            zorder=4,
        )
    )


def draw_gradient_paths(n_steps: int = 4) -> Figure:
    """Draw an LSTM unrolled over ``n_steps`` cells with its two backward paths (one axes).

    Bold orange, above the cell state: the gradient along :math:`c_t`, which meets only the
    forget gate (:math:`\\partial c_t/\\partial c_{t-1} = \\mathrm{diag}(f_t)`; the + passes
    it on unchanged). Purple, below the hidden state: the gradient through :math:`h_t`, which
    meets the recurrent matrix, tanh′ and the gates at every step.
    """
    _check_steps(n_steps, 2)
    fig, ax = plt.subplots(figsize=(10.0, 4.6))
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    pen = _Pen(ax, fontsize=11)
    left, right = _STEP / 2, _STEP * n_steps + _STEP / 2
    pen.line([(left, _GC_Y), (right, _GC_Y)])
    pen.line([(right - 0.3, _GH_Y), (right, _GH_Y)])
    for k in range(1, n_steps + 1):
        _unrolled_lstm_cell(pen, k)
    pen.label(left - 0.2, _GC_Y, "$c_0$", ha="right")
    pen.label(left - 0.2, _GH_Y, "$h_0$", ha="right")
    pen.label(right + 0.2, _GC_Y, f"$c_{{{n_steps}}}$", ha="left")
    pen.label(right + 0.2, _GH_Y, f"$h_{{{n_steps}}}$", ha="left")
    # The backward paths, one hop per step, from the last state to the first.
    for k in range(n_steps, 0, -1):
        x0, x1 = _STEP * k + _STEP / 2, _STEP * (k - 1) + _STEP / 2
        _gradient_hop(ax, x0, x1, _GC_Y + 1.05, CELL_PATH_COLOR, 4.0)
        _gradient_hop(ax, x0, x1, _GH_Y - 0.45, HIDDEN_PATH_COLOR, 2.0)
        pen.label(_STEP * k - 0.6, _GC_Y + 1.4, f"$\\odot\\, f_{{{k}}}$", color=CELL_PATH_COLOR)
    _gradient_legend(pen, _STEP / 2, -1.7)
    _finish(ax, (left - 1.2, right + 1.2), (-3.0, 4.8))
    return fig


def _gradient_legend(pen: _Pen, x: float, y: float) -> None:
    ax = pen.ax
    for dy, color, lw, text in (
        (
            0.0,
            CELL_PATH_COLOR,
            4.0,
            r"cell-state path: $\partial c_t/\partial c_{t-1} = \mathrm{diag}(f_t)$"
            " (additive, one pointwise factor per step)",
        ),
        (
            -0.8,
            HIDDEN_PATH_COLOR,
            2.0,
            r"hidden-state path: $\partial h_t/\partial h_{t-1}$: $W_{hh}$, tanh′, gates"
            " (a matrix product per step)",
        ),
    ):
        _gradient_hop(ax, x + 1.6, x, y + dy, color, lw)
        pen.label(x + 1.9, y + dy, text, ha="left", fontsize=11)


# ----------------------------------------------------------------------------------------
# The repeating modules
# ----------------------------------------------------------------------------------------
def _rnn_inside(pen: _Pen, y: float) -> None:
    """The inside of a plain RNN cell spanning x in [0, 10]: one tanh layer on the line."""
    pen.frame(0, y - 1.3, 10, y + 1.3)
    pen.line([(-2.0, y), (1.0, y)], arrow=False)
    pen.line([(1.0, y - 1.8), (1.0, y)], arrow=False)
    pen.line([(1.0, y), (5.0 - 0.55, y)])
    pen.layer(5.0, y, "tanh", w=1.1)
    pen.line([(5.0 + 0.55, y), (12.0, y)])
    pen.dot(9.3, y)
    pen.line([(9.3, y), (9.3, y + 2.05)])


def _outer_module(pen: _Pen, x0: float, y0: float, y1: float, name: str) -> None:
    pen.frame(x0, y0, x0 + 4.0, y1, name)


def _module_row(ax: Axes, kind: str) -> None:
    """Three modules in a row, the middle one opened; x from -6 to 16."""
    pen = _Pen(ax)
    if kind == "RNN":
        y0, y1 = -0.3, 2.3
        lines: tuple[float, ...] = (1.0,)
        _rnn_inside(pen, lines[0])
    else:
        y0, y1 = -0.3, 6.0
        lines = (_C_Y, _H_Y)
        _lstm_inside(pen, ends=False, left=-2.0, right=12.0)
    for x0 in (-6.0, 12.0):
        _outer_module(pen, x0, y0, y1, kind)
        pen.line([(x0 + 2.0, y0 - 0.5), (x0 + 2.0, y0)])
        pen.line([(x0 + 2.0, y1), (x0 + 2.0, y1 + 0.55)])
    for ly in lines:
        pen.line([(-6.8, ly), (-6.0, ly)])
        pen.line([(16.0, ly), (16.8, ly)])
    xs = ((-4.0, "$x_{t-1}$", "$h_{t-1}$"), (1.0, "$x_t$", None), (14.0, "$x_{t+1}$", "$h_{t+1}$"))
    for x, xl, hl in xs:
        pen.tag(x, y0 - 0.75, xl, INPUT_COLOR, w=1.05)
        if hl:
            pen.tag(x, y1 + 0.85, hl, HIDDEN_COLOR, w=1.05)
    pen.tag(9.3, y1 + 0.85, "$h_t$", HIDDEN_COLOR)
    _finish(ax, (-7.0, 17.0), (y0 - 1.2, y1 + 1.3))


def draw_repeating_modules() -> Figure:
    """Draw the repeating module of an RNN (one tanh layer) above that of an LSTM (four
    interacting layers: σ, σ, tanh, σ) and return the figure (two axes).

    Each row is a chain of three modules whose middle one is opened up; the RNN passes one
    vector from module to module, the LSTM two (the cell state on top, the hidden state below).
    """
    fig, axes = plt.subplots(2, 1, figsize=(10.0, 6.8), gridspec_kw={"height_ratios": [5.1, 8.8]})
    _module_row(axes[0], "RNN")
    axes[0].set_title("RNN: one layer (tanh) in the repeating module", fontsize=12)
    _module_row(axes[1], "LSTM")
    axes[1].set_title("LSTM: four interacting layers (σ, σ, tanh, σ)", fontsize=12)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------
# GRU
# ----------------------------------------------------------------------------------------
_GRU_ALL = ("reset", "update", "candidate")


_WHH_Y = 4.05  # height of the W_hh linear map when the reset acts after the product
_WHH_W = 0.9


def _gru_state_line(pen: _Pen, after: bool) -> None:
    """The state along the top: h_{t-1} -> × z_t -> + -> h_t, and its copies down.

    The copy of h_{t-1} for the candidate leaves the left side at the height of the W_hh
    map (``after``) or of the reset × (before).
    """
    upd, both, rc = ("update",), ("update", "candidate"), ("reset", "candidate")
    pen.line([(-0.6, _C_Y), (0.5, _C_Y)], _GRU_ALL, arrow=False)
    pen.line([(0.5, _C_Y), (3.4 - _OP_R, _C_Y)], upd, arrow=False)
    pen.line([(3.4 + _OP_R, _C_Y), (7.5 - _OP_R, _C_Y)], upd, arrow=False)
    pen.line([(7.5 + _OP_R, _C_Y), (10.6, _C_Y)], both)
    pen.op(3.4, _C_Y, "×", upd)
    pen.op(7.5, _C_Y, "+", both)
    pen.dot(0.5, _C_Y, _GRU_ALL)
    pen.dot(9.3, _C_Y, both)
    pen.line([(9.3, _C_Y), (9.3, 6.55)], both)
    # h_{t-1} copied down the left side: to the candidate's branch and to the gates' input.
    fork = _WHH_Y if after else 3.0
    pen.line([(0.5, _C_Y), (0.5, fork)], _GRU_ALL, arrow=False)
    pen.line([(0.5, fork), (0.5, _H_Y), (1.0, _H_Y)], ("reset", "update"), arrow=False)
    pen.dot(0.5, fork, rc)
    if after:
        # h_{t-1} -> W_hh h_{t-1} + b_hh, then down into the reset ×.
        pen.line([(0.5, fork), (1.8 - _WHH_W / 2, fork)], rc)
        pen.linear(1.8, fork, "$W_{hh}$", rc, w=_WHH_W)
        pen.line([(1.8, fork - _LAYER_H / 2), (1.8, 3.0 + _OP_R)], rc)
    else:
        pen.line([(0.5, fork), (1.8 - _OP_R, fork)], rc)


def _gru_gates(pen: _Pen) -> None:
    """x_t joins h_{t-1}; σ layers for r_t and z_t; the reset ×; z_t and 1 − z_t."""
    gates, rst, upd = ("reset", "update"), ("reset",), ("update",)
    pen.line([(1.0, -0.8), (1.0, 0.0)], _GRU_ALL, arrow=False)
    pen.line([(1.0, 0.0), (1.0, _H_Y)], gates, arrow=False)
    pen.dot(1.0, 0.0, ("candidate",))
    pen.line([(1.0, _H_Y), (1.8, _H_Y)], gates, arrow=False)
    pen.line([(1.8, _H_Y), (3.4, _H_Y), (3.4, _LAYER_Y - _LAYER_H / 2)], upd)
    pen.dot(1.8, _H_Y, gates)
    top = _LAYER_Y + _LAYER_H / 2
    pen.line([(1.8, _H_Y), (1.8, _LAYER_Y - _LAYER_H / 2)], rst)
    pen.layer(1.8, _LAYER_Y, "σ", rst)
    pen.line([(1.8, top), (1.8, 3.0 - _OP_R)], rst)
    pen.label(1.5, 2.45, "$r_t$", rst, ha="right")
    pen.op(1.8, 3.0, "×", ("reset", "candidate"))
    pen.layer(3.4, _LAYER_Y, "σ", upd)
    pen.line([(3.4, top), (3.4, _C_Y - _OP_R)], upd)
    pen.label(3.12, 3.75, "$z_t$", upd)
    pen.dot(3.4, 4.2, upd)
    pen.line([(3.4, 4.2), (4.9 - _TANH_R, 4.2)], upd)
    pen.op(4.9, 4.2, "1−", upd)
    pen.line([(4.9 + _TANH_R, 4.2), (7.5 - _OP_R, 4.2)], upd)
    pen.label(6.35, 4.5, "$1 - z_t$", upd, fontsize=pen.fontsize - 1)


def _gru_candidate(pen: _Pen, after: bool) -> None:
    """The candidate: tanh over x_t and the reset share of the old state (r_t times
    W_hh h_{t-1} + b_hh, or r_t ⊙ h_{t-1}), weighted by 1 − z_t into the state."""
    cand, both = ("candidate",), ("update", "candidate")
    pen.line([(1.8 + _OP_R, 3.0), (5.7, 3.0), (5.7, _LAYER_Y + _LAYER_H / 2)], ("reset", *cand))
    if after:  # the long label starts right of the z_t line and ends before the h̃_t line
        text = r"$r_t \odot (W_{hh} h_{t-1} + b_{hh})$"
        pen.label(3.6, 3.32, text, ("reset", *cand), fontsize=pen.fontsize - 2, ha="left")
    else:
        text = r"$r_t \odot h_{t-1}$"
        pen.label(4.6, 3.3, text, ("reset", *cand), fontsize=pen.fontsize - 1)
    pen.line([(1.0, 0.0), (6.2, 0.0), (6.2, _LAYER_Y - _LAYER_H / 2)], cand)
    pen.layer(6.0, _LAYER_Y, "tanh", cand, w=1.1)
    pen.line([(6.55, _LAYER_Y), (7.5, _LAYER_Y), (7.5, 4.2 - _OP_R)], cand)
    pen.label(7.85, 2.75, r"$\tilde h_t$", cand)
    pen.op(7.5, 4.2, "×", both)
    pen.line([(7.5, 4.2 + _OP_R), (7.5, _C_Y - _OP_R)], both)


def _gru_inside(pen: _Pen, after: bool = True) -> None:
    """The inside of one GRU cell spanning x in [0, 10], with its entering and leaving
    vectors labelled; the reset gate acts after the product with W_hh if ``after``."""
    pen.frame(0, -0.3, 10, 6.0)
    _gru_state_line(pen, after)
    _gru_gates(pen)
    _gru_candidate(pen, after)
    both = ("update", "candidate")
    pen.tag(-1.35, _C_Y, "$h_{t-1}$", HIDDEN_COLOR, _GRU_ALL, w=1.25)
    pen.tag(11.1, _C_Y, "$h_t$", HIDDEN_COLOR, both)
    pen.tag(9.3, 6.85, "$h_t$", HIDDEN_COLOR, both)
    pen.tag(1.0, -1.05, "$x_t$", INPUT_COLOR, _GRU_ALL)


def draw_gru_cell(
    highlight: str | None = None,
    ax: Axes | None = None,
    *,
    reset: str = "after",
    legend: bool = True,
    fontsize: float = 11,
) -> Figure:
    """Draw one GRU cell in the style of :func:`draw_lstm_cell` and return its figure.

    The single state runs along the top:
    :math:`h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t` (torch's convention:
    :math:`z_t` keeps the old state). Below it, :math:`[h_{t-1}, x_t]` feeds two σ layers
    (:math:`r_t`, :math:`z_t`), and the tanh layer gives the candidate :math:`\\tilde h_t`.

    With ``reset="after"`` (the book's GRU, and torch's) a linear map, drawn as a white box
    with a yellow border, computes :math:`W_{hh} h_{t-1} + b_{hh}`; the reset gate scales
    that, and the tanh layer reads it with :math:`x_t`:
    :math:`\\tilde h_t = \\tanh(W_{xh} x_t + b_{xh} + r_t \\odot (W_{hh} h_{t-1} + b_{hh}))`.
    The legend then has an entry for the linear map.
    With ``reset="before"`` (Cho et al. 2014, colah's essay) the reset gate scales
    :math:`h_{t-1}` itself and the tanh layer reads :math:`[r_t \\odot h_{t-1}, x_t]`.

    Parameters
    ----------
    highlight : None, "reset", "update" or "candidate": draw that path thick and in colour,
        and grey the rest.
    ax : draw on this axes instead of a new figure.
    reset : "after" or "before": where the reset gate acts, relative to the product with
        :math:`W_{hh}`.
    legend : add the legend strip under the cell.
    fontsize : size of the symbols (use about 10 when two cells share the book's width).
    """
    _check_highlight(highlight, GRU_HIGHLIGHTS)
    if not isinstance(reset, str) or reset not in GRU_RESETS:
        raise ValueError(f"reset must be one of {GRU_RESETS}, got {reset!r}")
    after = reset == "after"

    def inside(pen: _Pen) -> None:
        _gru_inside(pen, after)

    return _draw_cell(inside, highlight, ax, legend, fontsize, linear_legend=after)


def draw_lstm_vs_gru() -> Figure:
    """Draw the LSTM cell and the GRU cell side by side (two axes).

    The LSTM has four layers (σ, σ, tanh, σ) and two states (:math:`c_t`, :math:`h_t`); the
    GRU three layers (σ, σ, tanh) and one state (:math:`h_t`), its reset gate acting after
    the product with :math:`W_{hh}` as in the book's equations (``draw_gru_cell``'s default).
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.9))
    draw_lstm_cell(None, left, legend=False, fontsize=10)
    left.set_title("LSTM: 4 layers, 2 states", fontsize=13)
    draw_gru_cell(None, right, legend=False, fontsize=10)
    right.set_title("GRU: 3 layers, 1 state", fontsize=13)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------
# Where the reset gate acts
# ----------------------------------------------------------------------------------------
_RESET_PANELS = (
    (
        "reset before the product (Cho et al. 2014, the lectures)",
        r"$\tilde h_t = \tanh(W_{xh} x_t + W_{hh}(r_t \odot h_{t-1}) + b_h)$",
        "The product with $W_{hh}$ needs $r_t$ first, so the\n"
        "candidate's product waits for the reset gate and\n"
        "cannot join the gates' products.",
    ),
    (
        "reset after the product (torch, cuDNN)",
        r"$\tilde h_t = \tanh(W_{xh} x_t + b_{xh} + r_t \odot (W_{hh} h_{t-1} + b_{hh}))$",
        "$W_{hh} h_{t-1}$ no longer depends on $r_t$: the products\n"
        "for all three blocks ($r_t$, $z_t$, $\\tilde h_t$) are one matrix\n"
        "product, computed before the gates. That is faster.",
    ),
)


def _reset_panel(ax: Axes, after: bool) -> None:
    """The candidate computation alone, with the reset × before or after the W_hh linear
    map (white boxes: affine maps without activation; tanh is a pointwise op here)."""
    pen = _Pen(ax, fontsize=11)
    y, yx = 2.0, 0.4
    pen.tag(0.0, y, "$h_{t-1}$", HIDDEN_COLOR, w=1.15)
    pen.tag(0.0, yx, "$x_t$", INPUT_COLOR)
    x_mul, x_w = (3.4, 1.7) if after else (1.7, 3.3)
    w_text = "$W_{hh}, b_{hh}$" if after else "$W_{hh}$"
    w_width = 1.55 if after else 1.0
    pen.op(x_mul, y, "×")
    pen.label(x_mul, y + 1.35, "$r_t$", va="bottom")
    pen.line([(x_mul, y + 1.3), (x_mul, y + _OP_R)])
    pen.linear(x_w, y, w_text, w=w_width)
    first, second = sorted([(x_mul, _OP_R), (x_w, w_width / 2)])
    pen.line([(0.6, y), (first[0] - first[1], y)])
    pen.line([(first[0] + first[1], y), (second[0] - second[1], y)])
    pen.line([(second[0] + second[1], y), (4.9 - _OP_R, y)])
    note = "one product for\n$r_t$, $z_t$ and $\\tilde h_t$" if after else "waits for $r_t$"
    pen.label(x_w, y - 0.5, note, va="top", fontsize=9.5, color="#555555")
    xw_text = "$W_{xh}, b_{xh}$" if after else "$W_{xh}$"
    pen.linear(2.5, yx, xw_text, w=w_width)
    pen.line([(0.45, yx), (2.5 - w_width / 2, yx)])
    pen.line([(2.5 + w_width / 2, yx), (4.9, yx), (4.9, y - _OP_R)])
    pen.op(4.9, y, "+")
    if not after:
        pen.label(4.9, y + 1.35, "$b_h$", va="bottom")
        pen.line([(4.9, y + 1.3), (4.9, y + _OP_R)])
    pen.line([(4.9 + _OP_R, y), (6.2 - _TANH_R, y)])
    pen.op(6.2, y, "tanh")
    pen.line([(6.2 + _TANH_R, y), (7.2, y)])
    pen.tag(7.65, y, r"$\tilde h_t$", HIDDEN_COLOR)
    _finish(ax, (-0.7, 8.3), (-1.45, 3.75))


def draw_reset_placement() -> Figure:
    """Draw the GRU candidate twice (two axes): the reset gate applied to :math:`h_{t-1}`
    before the product with :math:`W_{hh}` (Cho et al. 2014) and to the product's result
    (torch, cuDNN), each titled with its equation and explained by a caption-like note."""
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.6))
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.83, wspace=0.04)
    for ax, after, (title, equation, note) in zip(axes, (False, True), _RESET_PANELS, strict=True):
        _reset_panel(ax, after)
        ax.set_title(f"{title}\n{equation}", fontsize=10.5)
        ax.text(3.8, -0.35, note, ha="center", va="top", fontsize=9.5, style="italic")
    return fig
