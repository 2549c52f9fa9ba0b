"""Silent-bug detectors: training code that runs without an error and is still wrong.

Each detector watches what the learner's code *does* at runtime (hooks, a
``TorchFunctionMode``, a few class-level patches undone on exit), never its text, and fails
with a diagnosis that names the learner's line and the values involved.

=====================================================  =================================================
bug                                                    detector
=====================================================  =================================================
softmax / log_softmax before ``cross_entropy``         :func:`expect_logits_to_cross_entropy`
``NLLLoss`` on probabilities (or raw logits)           :func:`expect_log_probabilities_to_nll`
``eval()`` / ``no_grad`` forgotten in validation       :func:`expect_evaluation_mode`
loss tensors accumulated instead of ``.item()``        :func:`expect_no_graph_kept`
``model.forward(x)`` instead of ``model(x)``           :func:`expect_modules_called`
learning rate too high or too low                      :func:`expect_learning_rate`
``shuffle`` forgotten                                  :func:`expect_shuffled_batches`
``clip_grad_norm_`` missing or misplaced               :func:`expect_gradient_clipping`
an optimizer over another model's parameters           :func:`expect_optimizer_over`
the result of ``tensor.to(device)`` not assigned       :func:`expect_moves_assigned`
=====================================================  =================================================

All but :func:`expect_evaluation_mode` judge the record of a :class:`SilentBugMonitor`, a
:class:`~katacheck.checks.training.TrainingMonitor` that also records what they need
(:mod:`.monitor`); the detectors and their calibrated thresholds are in :mod:`.detectors`::

    with checks.cuda_available():               # if the kata simulates a GPU: outside the monitor
        execucao = checks.observe_training(treinar, modelo, X, y, epocas=5)
    checks.expect_logits_to_cross_entropy(execucao.monitor)
    checks.expect_moves_assigned(execucao.monitor)

A device mismatch raised inside the monitor right after a ``.to()`` whose result was thrown
away becomes the ``to_result_discarded`` diagnosis (pointing at the ``.to()`` line) instead of
PyTorch's generic error.
"""

from katacheck.checks.silent.detectors import (
    COURSE_LR_RANGES,
    STALL_RATIO,
    expect_evaluation_mode,
    expect_gradient_clipping,
    expect_learning_rate,
    expect_log_probabilities_to_nll,
    expect_logits_to_cross_entropy,
    expect_modules_called,
    expect_moves_assigned,
    expect_no_graph_kept,
    expect_optimizer_over,
    expect_shuffled_batches,
)
from katacheck.checks.silent.monitor import SilentBugMonitor, observe_training

__all__ = [
    "COURSE_LR_RANGES",
    "STALL_RATIO",
    "SilentBugMonitor",
    "expect_evaluation_mode",
    "expect_gradient_clipping",
    "expect_learning_rate",
    "expect_log_probabilities_to_nll",
    "expect_logits_to_cross_entropy",
    "expect_modules_called",
    "expect_moves_assigned",
    "expect_no_graph_kept",
    "expect_optimizer_over",
    "expect_shuffled_batches",
    "observe_training",
]
