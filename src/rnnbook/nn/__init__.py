"""Torch modules interchangeable with ``torch.nn``: cells, layers, models and decoding.

Shapes are time-major ``(T, N, D)``; parameter names equal torch.nn's, so
``ours.load_state_dict(theirs.state_dict())`` works in both directions. As in torch.nn, the
layers and cells also take unbatched inputs (a sequence ``(T, D)``, a step ``(D,)``) and the
LSTM takes ``proj_size``; tests/test_nn_torch_parity.py runs torch's own test samples for the
six recurrent modules through both.
"""

from rnnbook.nn.cells import GRUCell, LSTMCell, RNNCell
from rnnbook.nn.decoding import beam_search, greedy_decode, sample, sample_logits
from rnnbook.nn.layers import GRU, LSTM, RNN
from rnnbook.nn.models import (
    Forecaster,
    LanguageModel,
    Seq2Seq,
    SequenceClassifier,
    SequenceTagger,
    detach_state,
    make_recurrent,
)

__all__ = [
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "RNNCell",
    "Forecaster",
    "LanguageModel",
    "Seq2Seq",
    "SequenceClassifier",
    "SequenceTagger",
    "beam_search",
    "detach_state",
    "greedy_decode",
    "make_recurrent",
    "sample",
    "sample_logits",
]
