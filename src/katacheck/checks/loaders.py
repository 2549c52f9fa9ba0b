"""What a ``DataLoader`` gives over its epochs: every example once, the batch sizes, the order
(katas 14 and 15).

The tests read one or more epochs of the learner's loaders and reduce each batch to the
indices of its examples (kata 14's labels are the indices themselves; kata 15 finds them by
the images' fingerprints, :func:`katacheck.checks.mnist.fingerprints`). The rules below take
those index lists only, so the kata child (:func:`expect_epochs`, :func:`expect_shuffled`, :func:`expect_in_order`) and
the judge (:func:`epoch_problem`, :func:`shuffle_problem`, :func:`order_problem`, on the evidence) apply the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from katacheck.checks.failures import fail

Epoch = Sequence[Sequence[int]]  # one epoch: per batch, the indices of its examples


def expected_sizes(examples: int, batch_size: int) -> list[int]:
    """The batch sizes of one epoch of ``examples`` in batches of ``batch_size`` (the last one
    shorter when they do not divide)."""
    sizes = [batch_size] * (examples // batch_size)
    return sizes + [examples % batch_size] if examples % batch_size else sizes


def _shown(sizes: Sequence[int]) -> str:
    """``[16, 16, 16, 4]`` as ``16 × 3, 4`` (short to read, long loaders too)."""
    runs: list[list[int]] = []
    for size in sizes:
        if runs and runs[-1][0] == size:
            runs[-1][1] += 1
        else:
            runs.append([size, 1])
    return ", ".join(f"{size} × {count}" if count > 1 else str(size) for size, count in runs) or "—"


def epoch_problem(epoch: Epoch, examples: int, batch_size: int) -> tuple[str, dict] | None:
    """What is wrong with one epoch of a loader over ``examples`` examples (indices
    ``0 … examples-1``, -1 for one that is none of them) in batches of ``batch_size``, as a
    diagnosis code and its parameters; None when it is right."""
    flat = [index for batch in epoch for index in batch]
    if any(index < 0 or index >= examples for index in flat):
        return "loader_unknown_examples", {}
    repeated = len(flat) - len(set(flat))
    if repeated:
        return "loader_repeated_examples", {"count": repeated, "examples": examples}
    sizes = [len(batch) for batch in epoch]
    if len(flat) < examples:
        # Only full batches and fewer missing than one batch: the last, shorter one was dropped.
        dropped = examples - len(flat) < batch_size and all(size == batch_size for size in sizes)
        return "loader_missing_examples" if dropped else "loader_lost_examples", {
            "count": examples - len(flat), "examples": examples, "sizes": _shown(sizes)}
    if sizes != expected_sizes(examples, batch_size):
        return "loader_batch_sizes", {"found": _shown(sizes), "expected": _shown(expected_sizes(examples, batch_size)),
                                      "batch_size": batch_size, "examples": examples}
    return None


def shuffle_problem(train: Sequence[Epoch]) -> tuple[str, dict] | None:
    """The first two epochs of the training loader come in different orders: else the code
    and parameters of what is wrong."""
    first, second = ([index for batch in epoch for index in batch] for epoch in train[:2])
    if first == second:
        return "loader_train_not_shuffled", {"examples": len(first)}
    return None


def order_problem(test: Sequence[Epoch]) -> tuple[str, dict] | None:
    """Every epoch of the test loader in the dataset's own order: else the code and parameters
    of what is wrong."""
    orders = [[index for batch in epoch for index in batch] for epoch in test]
    if any(order != sorted(order) for order in orders):
        return "loader_test_shuffled", {"examples": len(orders[0])}
    return None


def expect_epochs(epochs: Sequence[Epoch], examples: int, batch_size: int) -> None:
    """Each epoch in ``epochs`` has every example exactly once, in batches of ``batch_size``."""
    for epoch in epochs:
        problem = epoch_problem(epoch, examples, batch_size)
        if problem is not None:
            fail(problem[0], **problem[1])


def expect_shuffled(train: Sequence[Epoch]) -> None:
    """The training loader shuffles every epoch (:func:`shuffle_problem`)."""
    problem = shuffle_problem(train)
    if problem is not None:
        fail(problem[0], **problem[1])


def expect_in_order(test: Sequence[Epoch]) -> None:
    """The test loader keeps the dataset's order (:func:`order_problem`)."""
    problem = order_problem(test)
    if problem is not None:
        fail(problem[0], **problem[1])
