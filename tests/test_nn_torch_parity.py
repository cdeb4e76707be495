"""rnnbook.nn against torch.nn on the inputs PyTorch tests its own recurrent modules with.

``torch.testing._internal.common_modules.module_db`` holds a ``ModuleInfo`` for each torch.nn
module, whose ``module_inputs_func`` yields samples: constructor arguments and forward inputs
(batched and unbatched, every flag combination, the LSTM's ``proj_size``). Each sample is run
through torch.nn and through rnnbook.nn (and the fused layers) with the same constructor
arguments and ``load_state_dict(theirs.state_dict())``; outputs, states and the gradients of
the inputs, the initial states and every parameter must agree in float64. A torch release that
adds a sample thereby tests this package too; a module without any sample fails, so the test
cannot pass vacuously. (Importing ``module_db`` needs the package ``expecttest``.)
"""

import pytest
import torch
from torch.testing._internal.common_modules import module_db
from torch.utils._pytree import tree_leaves

from rnnbook import nn as rnn
from rnnbook.nn.layers import FusedGRU, FusedLSTM, FusedRNN

TOL = 1e-10
OURS = {
    torch.nn.RNN: [rnn.RNN, FusedRNN],
    torch.nn.LSTM: [rnn.LSTM, FusedLSTM],
    torch.nn.GRU: [rnn.GRU, FusedGRU],
    torch.nn.RNNCell: [rnn.RNNCell],
    torch.nn.LSTMCell: [rnn.LSTMCell],
    torch.nn.GRUCell: [rnn.GRUCell],
}


def samples(theirs_cls) -> list:
    """torch's samples for ``theirs_cls``: float64 inputs that require grad, training mode."""
    return [
        sample
        for info in module_db
        if info.module_cls is theirs_cls
        for sample in info.module_inputs_func(
            info, device="cpu", dtype=torch.float64, requires_grad=True, training=True
        )
    ]


def results_and_grads(module, sample, weights):
    """Outputs and states as a flat list, and the gradients of ``Σ weights ⊙ results``.

    Gradients are taken with respect to every input tensor of the sample (input, initial
    states) and every parameter by name.
    """
    inputs = [t for t in tree_leaves(sample.forward_input.args) if isinstance(t, torch.Tensor)]
    results = tree_leaves(module(*sample.forward_input.args, **sample.forward_input.kwargs))
    names, params = zip(*module.named_parameters(), strict=True)
    loss = sum((w * r).sum() for w, r in zip(weights, results, strict=True))
    grads = torch.autograd.grad(loss, [*inputs, *params])
    labels = [f"input {k}" for k in range(len(inputs))] + list(names)
    return results, dict(zip(labels, grads, strict=True))


def disagreements(ours_cls, theirs_cls, sample) -> list[str]:
    """What differs between ours and theirs on one sample (empty if everything agrees)."""
    args, kwargs = sample.constructor_input.args, sample.constructor_input.kwargs
    torch.manual_seed(0)
    theirs = theirs_cls(*args, **kwargs).to(torch.float64)
    expected = tree_leaves(theirs(*sample.forward_input.args, **sample.forward_input.kwargs))
    g = torch.Generator().manual_seed(1)
    weights = [torch.randn(r.shape, generator=g, dtype=torch.float64) for r in expected]
    results_theirs, grads_theirs = results_and_grads(theirs, sample, weights)
    try:
        ours = ours_cls(*args, **kwargs).to(torch.float64)
        ours.load_state_dict(theirs.state_dict())
        results_ours, grads_ours = results_and_grads(ours, sample, weights)
    except Exception as error:  # report it with the sample, and go on with the others
        return [f"raised {error!r}"]
    problems = []
    if len(results_ours) != len(results_theirs):
        return [f"{len(results_ours)} results, torch.nn gives {len(results_theirs)}"]
    for k, (a, b) in enumerate(zip(results_ours, results_theirs, strict=True)):
        if a.shape != b.shape:
            problems.append(f"result {k}: shape {tuple(a.shape)}, torch.nn {tuple(b.shape)}")
        elif (a - b).abs().max() > TOL:
            problems.append(f"result {k}: differs by {(a - b).abs().max():.2e}")
    if grads_ours.keys() != grads_theirs.keys():
        problems.append(f"parameters {list(grads_ours)}, torch.nn {list(grads_theirs)}")
    for name in grads_ours.keys() & grads_theirs.keys():
        diff = (grads_ours[name] - grads_theirs[name]).abs().max()
        if diff > TOL:
            problems.append(f"gradient of {name}: differs by {diff:.2e}")
    return problems


@pytest.mark.parametrize("theirs_cls", list(OURS), ids=lambda cls: cls.__name__)
def test_torch_module_db_samples_agree(theirs_cls):
    found = samples(theirs_cls)
    assert found, f"torch's module_db has no samples for {theirs_cls.__name__}"
    failures = []
    for ours_cls in OURS[theirs_cls]:
        for k, sample in enumerate(found):
            problems = disagreements(ours_cls, theirs_cls, sample)
            if problems:
                args = sample.constructor_input.args or sample.constructor_input.kwargs
                failures.append(f"{ours_cls.__name__} sample {k} {args}: {'; '.join(problems)}")
    classes = [cls.__name__ for cls in OURS[theirs_cls]]
    print(f"\n{theirs_cls.__name__}: {len(found)} samples from torch's module_db, run by {classes}")
    runs = len(found) * len(classes)
    assert not failures, f"{len(failures)} of {runs} runs disagree:\n" + "\n".join(failures)


def test_the_samples_cover_unbatched_inputs_and_projections():
    """What the samples exercise today; if torch drops it, the tests above no longer do."""
    lstm = samples(torch.nn.LSTM)
    assert any(s.constructor_input.kwargs.get("proj_size", 0) > 0 for s in lstm)
    for theirs_cls, rank in [(torch.nn.RNN, 2), (torch.nn.RNNCell, 1), (torch.nn.LSTMCell, 1)]:
        assert any(s.forward_input.args[0].dim() == rank for s in samples(theirs_cls))
