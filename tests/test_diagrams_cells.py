"""The cell drawings show the layers, symbols and highlights they promise and reject bad
arguments."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

from rnnbook import diagrams  # noqa: E402
from rnnbook.diagrams import cells  # noqa: E402


def _labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _layers(ax) -> list[str]:
    """The texts inside the yellow layer boxes, left to right."""
    boxes = [
        p
        for p in ax.patches
        if isinstance(p, FancyBboxPatch) and to_hex(p.get_facecolor()) == cells.LAYER_COLOR
    ]
    centres = sorted((b.get_x() + b.get_width() / 2, b.get_y() + b.get_height() / 2) for b in boxes)
    by_pos = {(round(t.get_position()[0], 3), round(t.get_position()[1], 3)): t for t in ax.texts}
    texts = [by_pos[(round(x, 3), round(y, 3))].get_text() for x, y in centres]
    return [t for t in texts if t]  # the legend's sample box is empty


def _colours(ax) -> list[tuple[str, str]]:
    """Face and edge colours of every patch and line, in drawing order."""
    out = [(to_hex(p.get_facecolor()), to_hex(p.get_edgecolor())) for p in ax.patches]
    out += [(to_hex(line.get_color()), "") for line in ax.lines]
    out += [(to_hex(t.get_color()), "") for t in ax.texts]
    return out


def _n_ops(ax) -> int:
    return sum(
        isinstance(p, Circle) and to_hex(p.get_facecolor()) == cells.POINTWISE_COLOR
        for p in ax.patches
    )


def test_lstm_cell_has_four_layers_five_ops_and_the_book_symbols():
    fig = diagrams.draw_lstm_cell()
    (ax,) = fig.get_axes()
    assert _layers(ax) == ["σ", "σ", "tanh", "σ"]
    assert _n_ops(ax) == 5 + 1  # ×f, +, ×i, tanh, ×o, and the legend's sample
    labels = _labels(ax)
    for symbol in ("$x_t$", "$h_{t-1}$", "$c_{t-1}$", "$c_t$", "$h_t$", "$f_t$", "$i_t$"):
        assert symbol in labels
    assert r"$\tilde c_t$" in labels and "$o_t$" in labels
    for name in ("neural network\nlayer", "pointwise\noperation", "vector\ntransfer"):
        assert name in labels
    assert "concatenate" in labels and "copy" in labels
    assert not ax.axison
    plt.close(fig)


def test_lstm_cell_without_legend_and_on_a_given_axes():
    fig, ax = plt.subplots()
    out = diagrams.draw_lstm_cell(None, ax, legend=False)
    assert out is fig and fig.get_axes() == [ax]
    assert "copy" not in _labels(ax) and _n_ops(ax) == 5
    plt.close(fig)


@pytest.mark.parametrize("path", ["cell", "forget", "input", "output"])
def test_lstm_highlight_greys_the_rest(path):
    fig0, fig1 = diagrams.draw_lstm_cell(), diagrams.draw_lstm_cell(path)
    base, high = _colours(fig0.axes[0]), _colours(fig1.axes[0])
    assert len(base) == len(high)
    assert sum(a != b for a, b in zip(base, high, strict=True)) > 5
    assert any(c == (cells.GREY_FILL, cells.GREY_LINE) for c in high)
    # The highlighted path keeps at least one coloured element.
    assert any(f in (cells.LAYER_COLOR, cells.POINTWISE_COLOR) for f, _ in high)
    plt.close(fig0)
    plt.close(fig1)


@pytest.mark.parametrize("bad", ["forgets", "reset", "", 1])
def test_lstm_cell_rejects_unknown_highlight(bad):
    with pytest.raises(ValueError, match="'cell', 'forget', 'input', 'output'"):
        diagrams.draw_lstm_cell(bad)


def test_walkthrough_has_four_panels_titled_with_their_equations():
    fig = diagrams.draw_lstm_walkthrough()
    axes = fig.get_axes()
    assert len(axes) == 4
    titles = [ax.get_title() for ax in axes]
    assert r"$f_t = \sigma(W_f\,[h_{t-1}, x_t] + b_f)$" in titles[1]
    assert r"\tilde c_t = \tanh" in titles[2] and r"h_t = o_t \odot \tanh(c_t)" in titles[3]
    assert r"c_t = f_t \odot c_{t-1}" in titles[0]
    # Each panel highlights a different path.
    colours = [_colours(ax) for ax in axes]
    assert len({tuple(c) for c in colours}) == 4
    plt.close(fig)


def test_repeating_modules_one_layer_against_four():
    fig = diagrams.draw_repeating_modules()
    rnn, lstm = fig.get_axes()
    assert _layers(rnn) == ["tanh"]
    assert _layers(lstm) == ["σ", "σ", "tanh", "σ"]
    for ax in (rnn, lstm):
        labels = _labels(ax)
        assert {"$x_{t-1}$", "$x_t$", "$x_{t+1}$", "$h_t$"} <= set(labels)
    assert "RNN" in rnn.get_title() and "LSTM" in lstm.get_title()
    plt.close(fig)


@pytest.mark.parametrize("n", [2, 4, 6])
def test_gradient_paths_one_hop_per_step_on_each_path(n):
    fig = diagrams.draw_gradient_paths(n)
    (ax,) = fig.get_axes()
    hops = [
        to_hex(p.get_edgecolor())
        for p in ax.patches
        if isinstance(p, FancyArrowPatch) and p.get_zorder() == 4
    ]
    # n hops on each path, plus one sample of each in the legend strip
    assert hops.count(cells.CELL_PATH_COLOR) == n + 1
    assert hops.count(cells.HIDDEN_PATH_COLOR) == n + 1
    labels = _labels(ax)
    assert f"$\\odot\\, f_{{{n}}}$" in labels and f"$x_{{{n}}}$" in labels
    assert "$c_0$" in labels and f"$h_{{{n}}}$" in labels
    text = " ".join(labels)
    assert r"\partial c_t/\partial c_{t-1} = \mathrm{diag}(f_t)" in text
    assert r"\partial h_t/\partial h_{t-1}" in text and "$W_{hh}$, tanh′, gates" in text
    assert _layers(ax) == ["gates"] * n
    plt.close(fig)


@pytest.mark.parametrize("n", [1, 0, 2.0, True, 13])
def test_gradient_paths_rejects_bad_n_steps(n):
    with pytest.raises(ValueError, match="n_steps must be an int between 2 and 12"):
        diagrams.draw_gradient_paths(n)


def _linear_maps(ax) -> list[tuple[str, float, float]]:
    """Text and centre of each white linear-map box with a yellow border, legend included."""
    boxes = [
        p
        for p in ax.patches
        if isinstance(p, FancyBboxPatch)
        and to_hex(p.get_facecolor()) == cells.LINEAR_COLOR
        and to_hex(p.get_edgecolor()) == cells.LINEAR_EDGE
    ]
    centres = [(b.get_x() + b.get_width() / 2, b.get_y() + b.get_height() / 2) for b in boxes]
    by_pos = {(round(t.get_position()[0], 3), round(t.get_position()[1], 3)): t for t in ax.texts}
    return [(by_pos[(round(x, 3), round(y, 3))].get_text(), x, y) for x, y in centres]


def _reset_op(ax) -> tuple[float, float]:
    """Centre of the reset ×: the pink × whose text sits left of the z_t label."""
    z_x = next(t.get_position()[0] for t in ax.texts if t.get_text() == "$z_t$")
    xs = [t.get_position() for t in ax.texts if t.get_text() == "×"]
    return min((p for p in xs if p[0] < z_x), key=lambda p: p[0])


def test_gru_cell_has_three_layers_and_the_book_symbols():
    fig = diagrams.draw_gru_cell()
    (ax,) = fig.get_axes()
    assert _layers(ax) == ["σ", "σ", "tanh"]  # the W_hh map is not a layer
    assert _n_ops(ax) == 5 + 1  # ×r, ×z, 1−, ×(1−z), +, and the legend's sample
    labels = _labels(ax)
    for symbol in ("$x_t$", "$h_{t-1}$", "$h_t$", "$r_t$", "$z_t$", "$1 - z_t$"):
        assert symbol in labels
    assert r"$\tilde h_t$" in labels
    assert "$c_t$" not in labels and "concatenate" in labels
    plt.close(fig)


def test_gru_cell_default_puts_the_reset_after_the_product_as_the_book_does():
    fig = diagrams.draw_gru_cell()
    (ax,) = fig.get_axes()
    labels = _labels(ax)
    assert r"$r_t \odot (W_{hh} h_{t-1} + b_{hh})$" in labels
    assert r"$r_t \odot h_{t-1}$" not in labels
    assert "linear map\n(no activation)" in labels
    maps = [m for m in _linear_maps(ax) if m[0]]  # the legend's sample box is empty
    assert [m[0] for m in maps] == ["$W_{hh}$"]
    assert len(_linear_maps(ax)) == 2  # the W_hh map and the legend's sample
    # W_hh sits right above the reset ×, which r_t enters from below
    (_, wx, wy), (mx, my) = maps[0], _reset_op(ax)
    assert abs(wx - mx) < 1e-9 and wy > my
    r_y = next(t.get_position()[1] for t in ax.texts if t.get_text() == "$r_t$")
    assert r_y < my
    plt.close(fig)


def test_gru_cell_reset_before_is_cho_et_al_form():
    fig = diagrams.draw_gru_cell(reset="before")
    (ax,) = fig.get_axes()
    labels = _labels(ax)
    assert r"$r_t \odot h_{t-1}$" in labels
    assert not any("W_{hh}" in t for t in labels)
    assert _linear_maps(ax) == [] and "linear map\n(no activation)" not in labels
    assert _layers(ax) == ["σ", "σ", "tanh"] and _n_ops(ax) == 5 + 1
    plt.close(fig)


@pytest.mark.parametrize("highlight", cells.GRU_HIGHLIGHTS)
def test_gru_reset_options_differ(highlight):
    after = diagrams.draw_gru_cell(highlight, reset="after").axes[0]
    before = diagrams.draw_gru_cell(highlight, reset="before").axes[0]
    assert _colours(after) != _colours(before)
    assert set(_labels(after)) != set(_labels(before))
    assert len(after.patches) > len(before.patches)  # the W_hh box and its legend entry
    plt.close("all")


@pytest.mark.parametrize("bad", ["later", "After", "", None, 1])
def test_gru_cell_rejects_unknown_reset(bad):
    with pytest.raises(ValueError, match="reset must be one of \\('after', 'before'\\)"):
        diagrams.draw_gru_cell(reset=bad)


@pytest.mark.parametrize("reset", cells.GRU_RESETS)
@pytest.mark.parametrize("path", ["reset", "update", "candidate"])
def test_gru_highlight_greys_the_rest(path, reset):
    fig0, fig1 = diagrams.draw_gru_cell(reset=reset), diagrams.draw_gru_cell(path, reset=reset)
    base, high = _colours(fig0.axes[0]), _colours(fig1.axes[0])
    assert len(base) == len(high)
    assert sum(a != b for a, b in zip(base, high, strict=True)) > 5
    assert any(c == (cells.GREY_FILL, cells.GREY_LINE) for c in high)
    assert any(f in (cells.LAYER_COLOR, cells.POINTWISE_COLOR) for f, _ in high)
    plt.close(fig0)
    plt.close(fig1)


def test_gru_highlights_differ_from_each_other():
    drawings = [_colours(diagrams.draw_gru_cell(p).axes[0]) for p in cells.GRU_HIGHLIGHTS]
    assert len({tuple(d) for d in drawings}) == len(cells.GRU_HIGHLIGHTS)
    plt.close("all")


@pytest.mark.parametrize("bad", ["forget", "Reset", 0])
def test_gru_cell_rejects_unknown_highlight(bad):
    with pytest.raises(ValueError, match="'reset', 'update', 'candidate'"):
        diagrams.draw_gru_cell(bad)


def test_lstm_vs_gru_titles_match_the_drawings():
    fig = diagrams.draw_lstm_vs_gru()
    lstm, gru = fig.get_axes()
    assert lstm.get_title() == "LSTM: 4 layers, 2 states"
    assert gru.get_title() == "GRU: 3 layers, 1 state"
    assert len(_layers(lstm)) == 4 and len(_layers(gru)) == 3
    # two states in the LSTM (c and h), one in the GRU (h)
    assert "$c_t$" in _labels(lstm) and "$h_t$" in _labels(lstm)
    assert not any("c_" in t for t in _labels(gru))
    # the GRU is drawn as the book defines it: reset after the product with W_hh
    assert [m[0] for m in _linear_maps(gru)] == ["$W_{hh}$"]
    assert r"$r_t \odot (W_{hh} h_{t-1} + b_{hh})$" in _labels(gru)
    plt.close(fig)


def test_reset_placement_two_panels_with_their_equations():
    fig = diagrams.draw_reset_placement()
    before, after = fig.get_axes()
    assert r"W_{hh}(r_t \odot h_{t-1})" in before.get_title()
    assert "Cho et al. 2014" in before.get_title()
    assert r"r_t \odot (W_{hh} h_{t-1} + b_{hh})" in after.get_title()
    assert "torch, cuDNN" in after.get_title()
    assert any("one matrix\nproduct" in t for t in _labels(after))
    assert any("waits for the reset gate" in t for t in _labels(before))
    # the reset × comes before the W_hh layer on the left, after it on the right
    for ax, mul_first in ((before, True), (after, False)):
        xs = {t.get_text(): t.get_position()[0] for t in ax.texts}
        w_hh = next(x for k, x in xs.items() if k.startswith("$W_{hh}"))
        assert (xs["×"] < w_hh) == mul_first
        assert r"$\tilde h_t$" in xs and "$r_t$" in xs
    plt.close(fig)
