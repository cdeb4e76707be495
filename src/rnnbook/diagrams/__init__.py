"""Code-drawn figures of recurrent networks, in one visual language across the book.

Submodules
----------
wirings   unrolled RNNs and the five RNN types (chapters 01, 02, 09)
cells     the repeating modules: RNN, LSTM (colah style) and GRU cells (chapters 06, 07)
stacks    deep RNNs as a grid of layers x steps, and bidirectional RNNs (chapter 08)
"""

from rnnbook.diagrams.cells import (
    GRU_HIGHLIGHTS,
    LSTM_HIGHLIGHTS,
    draw_gradient_paths,
    draw_gru_cell,
    draw_lstm_cell,
    draw_lstm_vs_gru,
    draw_lstm_walkthrough,
    draw_repeating_modules,
    draw_reset_placement,
)
from rnnbook.diagrams.stacks import draw_bidirectional, draw_deep_rnn
from rnnbook.diagrams.wirings import (
    EDGE_COLOR,
    HIDDEN_COLOR,
    INPUT_COLOR,
    OUTPUT_COLOR,
    RNN_TYPES,
    draw_rnn_types,
    draw_unrolled,
    draw_wiring,
)

__all__ = [
    "GRU_HIGHLIGHTS",
    "LSTM_HIGHLIGHTS",
    "draw_gradient_paths",
    "draw_lstm_cell",
    "draw_lstm_walkthrough",
    "draw_repeating_modules",
    "draw_gru_cell",
    "draw_lstm_vs_gru",
    "draw_reset_placement",
    "draw_bidirectional",
    "draw_deep_rnn",
    "EDGE_COLOR",
    "HIDDEN_COLOR",
    "INPUT_COLOR",
    "OUTPUT_COLOR",
    "RNN_TYPES",
    "draw_rnn_types",
    "draw_unrolled",
    "draw_wiring",
]
