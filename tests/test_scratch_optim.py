"""Clipping and optimisers on parameter dicts; the optimisers are compared with torch.optim."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook.scratch import SGD, Adagrad, Adam, clip_grad_norm, clip_grad_value, global_norm


def make_grads():
    return {"W": np.array([[3.0, 0.0], [0.0, 0.0]]), "b": np.array([4.0, 0.0])}


def test_clip_grad_norm_rescales_all_arrays_together():
    grads = make_grads()
    norm = clip_grad_norm(grads, max_norm=1.0)
    assert norm == pytest.approx(5.0)  # the norm before clipping
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads["W"][0, 0] / grads["b"][0], 3 / 4)  # direction kept
    untouched = make_grads()
    assert clip_grad_norm(untouched, max_norm=10.0) == pytest.approx(5.0)
    np.testing.assert_array_equal(untouched["b"], [4.0, 0.0])


def test_clip_grad_norm_matches_torch():
    rng = np.random.default_rng(0)
    grads = {"a": rng.standard_normal((3, 4)), "b": rng.standard_normal(5)}
    tensors = [
        torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads.values()
    ]
    for t, g in zip(tensors, grads.values(), strict=True):
        t.grad = torch.tensor(g)
    theirs = torch.nn.utils.clip_grad_norm_(tensors, 1.5)
    ours = clip_grad_norm(grads, 1.5)
    assert ours == pytest.approx(float(theirs), rel=1e-14)
    for t, g in zip(tensors, grads.values(), strict=True):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-6)


def test_clip_grad_value_changes_direction():
    grads = make_grads()
    clip_grad_value(grads, 1.0)
    np.testing.assert_array_equal(grads["W"], [[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(grads["b"], [1.0, 0.0])


def test_clipping_rejects_bad_thresholds_and_nan():
    with pytest.raises(ValueError, match="max_norm must be positive, received 0"):
        clip_grad_norm(make_grads(), 0)
    with pytest.raises(ValueError, match="clip_value must be positive"):
        clip_grad_value(make_grads(), -1.0)
    grads = make_grads()
    grads["b"][1] = np.nan
    with pytest.raises(ValueError, match="gradient norm is nan"):
        clip_grad_norm(grads, 1.0)


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"),
    [
        (SGD, torch.optim.SGD, {"lr": 0.1}),
        (SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
        (Adagrad, torch.optim.Adagrad, {"lr": 0.1, "eps": 1e-10}),
        (Adam, torch.optim.Adam, {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-8}),
    ],
    ids=["sgd", "sgd-momentum", "adagrad", "adam"],
)
def test_optimiser_matches_torch(ours, theirs, kwargs):
    rng = np.random.default_rng(0)
    params = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(3)}
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    opt, reference = ours(params, **kwargs), theirs(list(tensors.values()), **kwargs)
    for _ in range(5):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        for key, t in tensors.items():
            t.grad = torch.tensor(grads[key])
        opt.step(grads)
        reference.step()
    for key, t in tensors.items():
        np.testing.assert_allclose(params[key], t.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_optimiser_rejects_mismatched_grads():
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    opt = Adam(params)
    with pytest.raises(ValueError, match=r"expected \['W', 'b'\], received \['W'\]"):
        opt.step({"W": np.zeros((2, 2))})
    with pytest.raises(ValueError, match=r"grads\['b'\]: expected shape \(2,\), received \(3,\)"):
        opt.step({"W": np.zeros((2, 2)), "b": np.zeros(3)})
    with pytest.raises(ValueError, match=r"grads\['W'\] contains 1 non-finite"):
        opt.step({"W": np.array([[0.0, np.inf], [0.0, 0.0]]), "b": np.zeros(2)})
