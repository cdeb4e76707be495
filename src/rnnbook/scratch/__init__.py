"""rnnbook.scratch: recurrent networks in numpy, every forward and backward pass by hand.

Conventions: sequences are time-major (T, N, D); weights are stored (out, in); gates are
stacked in torch's order (LSTM i, f, g, o; GRU r, z, n); parameters are dicts of arrays and
every backward pass returns ``grads`` with the keys and shapes of the parameters.

Modules: ``activations``, ``losses``, ``rnn``, ``lstm``, ``gru``, ``gradcheck``, ``optim``
and ``charlm`` (a batched character language model; use it as ``charlm.train(...)``).
"""

from . import charlm
from .activations import (
    elu,
    elu_grad,
    leaky_relu,
    leaky_relu_grad,
    maxout,
    maxout_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .gru import (
    GRUCache,
    GRUStepCache,
    gru_backward,
    gru_forward,
    gru_step_backward,
    gru_step_forward,
    init_gru_params,
)
from .losses import cross_entropy, log_softmax, softmax
from .lstm import (
    LSTMCache,
    LSTMStepCache,
    init_lstm_params,
    lstm_backward,
    lstm_forward,
    lstm_param_shapes,
    lstm_step_backward,
    lstm_step_forward,
)
from .optim import SGD, Adagrad, Adam, clip_grad_norm, clip_grad_value, global_norm
from .rnn import (
    OutputCache,
    RNNCache,
    RNNStepCache,
    init_rnn_params,
    output_backward,
    output_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "GRUCache",
    "GRUStepCache",
    "LSTMCache",
    "LSTMStepCache",
    "OutputCache",
    "RNNCache",
    "RNNStepCache",
    "charlm",
    "check_gradients",
    "clip_grad_norm",
    "clip_grad_value",
    "cross_entropy",
    "elu",
    "elu_grad",
    "global_norm",
    "gru_backward",
    "gru_forward",
    "gru_step_backward",
    "gru_step_forward",
    "init_gru_params",
    "init_lstm_params",
    "init_rnn_params",
    "leaky_relu",
    "leaky_relu_grad",
    "log_softmax",
    "lstm_backward",
    "lstm_forward",
    "lstm_param_shapes",
    "lstm_step_backward",
    "lstm_step_forward",
    "maxout",
    "maxout_grad",
    "numerical_gradient",
    "output_backward",
    "output_forward",
    "relative_error",
    "relu",
    "relu_grad",
    "rnn_backward",
    "rnn_forward",
    "rnn_step_backward",
    "rnn_step_forward",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "tanh",
    "tanh_grad",
]
