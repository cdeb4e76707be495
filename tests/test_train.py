"""The training loop, evaluation, checkpoints and the learning-curve plot."""

import matplotlib
import numpy as np
import pytest
import torch

from rnnbook.metrics import accuracy
from rnnbook.nn import LanguageModel, SequenceClassifier
from rnnbook.plot import learning_curves
from rnnbook.train import (
    History,
    cross_entropy,
    evaluate,
    fit,
    load_checkpoint,
    save_checkpoint,
)

matplotlib.use("Agg")


def _parity_batches(n_batches, seed, n=16, T=5):
    """Label = whether token 1 occurs in the sequence: learnable by a small RNN."""
    g = torch.Generator().manual_seed(seed)
    batches = []
    for _ in range(n_batches):
        x = torch.randint(0, 4, (T, n), generator=g)
        lengths = torch.randint(1, T + 1, (n,), generator=g)
        real = torch.arange(T)[:, None] < lengths
        y = ((x == 1) & real).any(0).long()
        batches.append((x, lengths, y))
    return batches


def _train(seed, epochs=3, **kwargs):
    torch.manual_seed(seed)
    model = SequenceClassifier(2, 8, vocab_size=4, embed_dim=4, dropout=0.1)
    history = fit(
        model,
        _parity_batches(8, 0),
        _parity_batches(2, 1),
        epochs=epochs,
        lr=0.02,
        metrics={"acc": accuracy},
        progress=False,
        device="cpu",
        seed=seed,
        **kwargs,
    )
    return model, history


def test_fit_is_deterministic_and_learns():
    model_a, history_a = _train(0, epochs=6)
    model_b, history_b = _train(0, epochs=6)
    assert history_a.steps == history_b.steps and history_a.epochs == history_b.epochs
    for a, b in zip(model_a.parameters(), model_b.parameters(), strict=True):
        assert torch.equal(a, b)
    assert len(history_a.steps) == 6 * 8
    assert set(history_a.epochs) == {"train_loss", "val_loss", "val_acc"}
    assert history_a["train_loss"][-1] < 0.7 * history_a["train_loss"][0]
    assert history_a["val_acc"][-1] > 0.8
    _, history_c = _train(1, epochs=1)
    assert history_c.steps != history_a.steps[:8]


def test_fit_restores_best_epoch_and_stops_early():
    torch.manual_seed(0)
    model = SequenceClassifier(2, 8, vocab_size=4, embed_dim=4)
    train = _parity_batches(4, 0)
    flipped = [(x, n, 1 - y) for x, n, y in _parity_batches(2, 1)]  # validation gets worse
    history = fit(model, train, flipped, epochs=20, lr=0.05, patience=2, progress=False)
    assert len(history["val_loss"]) < 20
    best = history.best_epoch
    assert history["val_loss"][best] == min(history["val_loss"])
    assert len(history["val_loss"]) == best + 3  # two epochs without improvement
    assert evaluate(model, flipped)["loss"] == pytest.approx(history["val_loss"][best], rel=1e-6)


def test_clipping_limits_the_update():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    before = [p.detach().clone() for p in model.parameters()]
    x, y = 100 * torch.randn(8, 3), torch.randint(0, 2, (8,))
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    fit(model, [(x, y)], optimizer=optimizer, clip_norm=0.5, progress=False)
    step = torch.cat([(p - b).flatten() for p, b in zip(model.parameters(), before, strict=True)])
    assert step.norm().item() == pytest.approx(0.5, rel=1e-5)


def test_truncated_bptt_on_streams():
    torch.manual_seed(0)
    stream = torch.arange(300) % 5  # a periodic stream: perfectly predictable
    data = stream.view(4, 75).T.contiguous()  # 4 parallel streams (75, 4)
    model = LanguageModel(5, embed_dim=4, hidden_size=16)
    seen = []
    forward = model.forward

    def spy(tokens, state=None):
        seen.append((tokens.shape[0], state is None or not state[0].requires_grad))
        return forward(tokens, state)

    model.forward = spy
    history = fit(model, data.numpy(), data, bptt=20, epochs=8, lr=0.05, progress=False)
    assert [length for length, _ in seen[:4]] == [20, 20, 20, 14]
    assert all(detached for _, detached in seen)
    assert history["val_loss"][-1] < 0.1
    per_token = evaluate(model, data, bptt=20)["loss"]
    assert per_token == pytest.approx(history["val_loss"][-1], rel=1e-5)


def test_checkpoint_round_trip(tmp_path):
    from rnnbook.data import Vocab

    model, history = _train(0, epochs=1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    x, lengths, _ = _parity_batches(1, 5)[0]
    cross_entropy(model(x, lengths), torch.zeros(16, dtype=torch.long)).backward()
    optimizer.step()
    vocab = Vocab(["a", "b", "c", "d"])
    path = tmp_path / "model.pt"
    save_checkpoint(path, model, optimizer, vocab=vocab, history=history, note="tiny")

    loaded = load_checkpoint(path)
    model.eval(), loaded.model.eval()
    assert type(loaded.model) is SequenceClassifier
    assert torch.equal(loaded.model(x, lengths), model(x, lengths))
    assert loaded.vocab.to_dict() == vocab.to_dict()
    assert loaded.history.to_dict() == history.to_dict()
    assert loaded.extra == {"note": "tiny"}

    fresh = SequenceClassifier(2, 8, vocab_size=4, embed_dim=4, dropout=0.1)
    fresh_optimizer = torch.optim.Adam(fresh.parameters(), lr=0.01)
    load_checkpoint(path, fresh, fresh_optimizer)
    fresh.eval()
    assert torch.equal(fresh(x, lengths), model(x, lengths))
    # the restored optimizer (moments, step count, learning rate) takes the very same next step
    for net, opt in [(model, optimizer), (fresh, fresh_optimizer)]:
        opt.zero_grad()
        cross_entropy(net(x, lengths), torch.ones(16, dtype=torch.long)).backward()
        opt.step()
    for a, b in zip(model.parameters(), fresh.parameters(), strict=True):
        assert torch.equal(a, b)

    with pytest.raises(ValueError, match="pass model="):
        save_checkpoint(path, torch.nn.Linear(2, 2))
        load_checkpoint(path)


def test_bad_data_raises():
    model = LanguageModel(5, embed_dim=4, hidden_size=4)
    with pytest.raises(ValueError, match=r"expected one array of token ids \(T_total, N\)"):
        fit(model, torch.arange(50), bptt=10, progress=False)
    with pytest.raises(ValueError, match="expected at least one training batch"):
        fit(torch.nn.Linear(2, 2), [], progress=False)
    with pytest.raises(ValueError, match="expected batches that are tuples"):
        fit(torch.nn.Linear(2, 2), [torch.zeros(2)], progress=False)
    with pytest.raises(ValueError, match=r"expected logits of shape \(4,\) \+ \(C,\)"):
        cross_entropy(torch.zeros(4, 5, 3), torch.zeros(4, dtype=torch.long))


def test_numpy_batches_and_learning_curves():
    torch.manual_seed(0)
    batches = [(b[0].numpy(), b[1].numpy(), b[2].numpy()) for b in _parity_batches(3, 0)]
    history = fit(
        SequenceClassifier(2, 4, vocab_size=4), batches, batches, epochs=2, progress=False
    )
    ax = learning_curves(history, steps=True)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["train loss (per step)", "train loss", "val loss", "best epoch"]
    assert np.allclose(ax.get_lines()[1].get_ydata(), history["train_loss"])
    with pytest.raises(ValueError, match="expected history keys"):
        learning_curves(History(), keys=("val_acc",))
