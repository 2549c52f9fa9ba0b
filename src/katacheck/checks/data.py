"""Seeded data for hidden tests: the same dataset on every machine, independent of the
learner's code (which may consume the global random generator as it likes)."""

from __future__ import annotations

import torch

from katacheck.checks.loss import dataset_loss
from katacheck.checks.seeds import generator as seeded_generator
from katacheck.checks.seeds import manual_seed


def regression_data(n: int = 128, features: int = 10, outputs: int = 1, *, seed: int = 2024,
                    noise: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """``X`` of shape (n, features) and ``y = X @ W + b + noise`` of shape (n, outputs)."""
    generator = seeded_generator(seed)
    X = torch.randn(n, features, generator=generator)
    weights = torch.rand(features, outputs, generator=generator) - 0.5
    bias = torch.rand(outputs, generator=generator) - 0.5
    y = X @ weights + bias + noise * torch.randn(n, outputs, generator=generator)
    return X, y


def probe_inputs(n: int, features: int, *, seed: int = 7) -> torch.Tensor:
    """Inputs the judge can make again: ``n`` rows of ``features`` standard normal values, from
    their own generator (the learner's use of the global one changes nothing)."""
    return torch.randn(n, features, generator=seeded_generator(seed))


def train_reference(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, *,
                    epochs: int = 100, lr: float = 0.01) -> None:
    """The course's own loop (Adam, MSE, full batch): used to see whether a model can learn."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(X), y).backward()
        optimizer.step()


def learning_ratio(model_factory, seed: int) -> float:
    """Whole-dataset loss after / before :func:`train_reference`, for a model built with
    ``model_factory()`` under ``seed`` (the data never changes)."""
    X, y = regression_data()
    manual_seed(seed)
    model = model_factory()
    before = dataset_loss(model, X, y)
    train_reference(model, X, y)
    return dataset_loss(model, X, y) / before
