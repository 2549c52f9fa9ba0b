"""The public checks API: what hidden tests use to judge learner code, with diagnoses.

A kata's ``test_kata.py`` is an ordinary pytest file. It receives the learner's module through
the ``learner`` fixture and calls the functions below; each failing check raises
:class:`KataFailure`, whose diagnosis (cause, hint, the learner's line) is what the learner
sees. Any other exception from learner code is diagnosed automatically. The docstring's first
line of each test is the check's title, shown with ✔ or ✘.

Example::

    from katacheck import checks

    def test_otimizador(learner):
        \"\"\"O otimizador é exatamente torch.optim.Adam.\"\"\"
        treinar = checks.require_attribute(learner, "treinar")
        modelo = ...
        with checks.TrainingMonitor(model=modelo) as monitor:
            treinar(modelo, X, y)
        checks.expect_optimizer(monitor, "Adam", modelo)
"""

from katacheck.checks import (
    checkpoint,  # noqa: F401  (kata 19: checks.checkpoint.load_weights_only, .expect_*)
    clipping,  # noqa: F401  (kata 18: checks.clipping.watch_step_norms, .expect_*)
    curves,  # noqa: F401  (kata 16: checks.curves.diagnosis, .unambiguous, .expect_*)
    evidence,  # noqa: F401  (checks.evidence.forward, .submit...)
    loaders,  # noqa: F401  (katas 14, 15: checks.loaders.expect_epochs, .expect_shuffled...)
    mnist,  # noqa: F401  (katas 15, 20: checks.mnist.write_mnist, .no_network...)
    reference,  # noqa: F401  (capture torch's classes first)
    sgd_step,  # noqa: F401  (kata 13: checks.sgd_step.run_sgd_steps, .expect_*)
    timing,  # noqa: F401  (kata 07: checks.timing.observe_timing, .expect_*)
)
from katacheck.checks.accumulation import (  # kata 09
    AccumulationRun,
    expect_accumulated_gradient,
    expect_accumulated_loss,
    expect_pieces,
    expect_single_step,
    observe_accumulation,
)
from katacheck.checks.anomaly import locate_inplace
from katacheck.checks.autograd import (  # kata 08
    AutogradSpy,
    expect_autograd_used,
    expect_derivative,
    expect_number,
    expect_numbers,
)
from katacheck.checks.batch import (  # kata 11
    expect_batch_output,
    expect_gradient_reaches_layers,
    expect_linear_sizes,
    expect_raw_logits,
    install_known_weights,
    known_weights,
)
from katacheck.checks.classification import (  # kata 12
    ClassifierRun,
    accuracy,
    expect_accuracy,
    expect_class_index_targets,
    expect_class_predictions,
    observe_classifier_training,
    predicted_classes,
)
from katacheck.checks.data import learning_ratio, probe_inputs, regression_data, train_reference
from katacheck.checks.device import (
    cuda_available,
    cuda_unavailable,
    expect_device_type,
    expect_trained_on,
)
from katacheck.checks.diagnose import diagnose, diagnose_warning
from katacheck.checks.failures import KataFailure, call_learner, fail
from katacheck.checks.gradients import expect_gradients_flow
from katacheck.checks.loss import dataset_loss, expect_loss_decreased, expect_loss_history, record_loss_curve
from katacheck.checks.model import (
    expect_linear_chain,
    expect_relu_between_linears,
    require_attribute,
    require_module_class,
    trace_forward,
)
from katacheck.checks.runs import (  # kata 06
    Run,
    RunRecorder,
    best_rate,
    expect_best_rate,
    expect_one_run_per_rate,
    expect_runs_start_at,
    initial_weights,
)
from katacheck.checks.seeds import derive as derive_seed
from katacheck.checks.seeds import generator, manual_seed
from katacheck.checks.silent import (
    SilentBugMonitor,
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
    observe_training,
)
from katacheck.checks.training import (
    TrainingMonitor,
    TrainingRun,
    expect_clean_gradients,
    expect_constant_lr,
    expect_full_batch_steps,
    expect_optimizer,
    run_training,
)
from katacheck.checks.validation import (  # kata 10
    EvaluationRun,
    PhaseRun,
    expect_evaluation_loss,
    expect_one_step_per_epoch,
    expect_phase_histories,
    expect_phase_modes,
    observe_evaluation,
    observe_phases,
)

__all__ = [
    "derive_seed",  # one base seed: KATACHECK_SEED
    "generator",
    "manual_seed",
    "AutogradSpy",  # kata 08
    "expect_autograd_used",
    "expect_derivative",
    "expect_number",
    "expect_numbers",
    "expect_batch_output",  # kata 11
    "expect_gradient_reaches_layers",
    "expect_linear_sizes",
    "expect_raw_logits",
    "install_known_weights",
    "known_weights",
    "ClassifierRun",  # kata 12
    "accuracy",
    "expect_accuracy",
    "expect_class_index_targets",
    "expect_class_predictions",
    "observe_classifier_training",
    "predicted_classes",
    "sgd_step",  # kata 13
    "loaders",  # katas 14, 15
    "mnist",  # katas 15, 20
    "timing",  # kata 07
    "clipping",  # kata 18
    "curves",  # kata 16
    "checkpoint",  # kata 19
    "Run",  # kata 06
    "RunRecorder",
    "best_rate",
    "expect_best_rate",
    "expect_one_run_per_rate",
    "expect_runs_start_at",
    "initial_weights",
    "AccumulationRun",  # kata 09
    "expect_accumulated_gradient",
    "expect_accumulated_loss",
    "expect_pieces",
    "expect_single_step",
    "observe_accumulation",
    "EvaluationRun",  # kata 10
    "PhaseRun",
    "expect_evaluation_loss",
    "expect_one_step_per_epoch",
    "expect_phase_histories",
    "expect_phase_modes",
    "observe_evaluation",
    "observe_phases",
    "evidence",
    "diagnose",
    "diagnose_warning",
    "locate_inplace",
    "KataFailure",
    "SilentBugMonitor",
    "TrainingMonitor",
    "TrainingRun",
    "call_learner",
    "cuda_available",
    "cuda_unavailable",
    "dataset_loss",
    "expect_clean_gradients",
    "expect_device_type",
    "expect_evaluation_mode",
    "expect_gradient_clipping",
    "expect_gradients_flow",
    "expect_learning_rate",
    "expect_linear_chain",
    "expect_log_probabilities_to_nll",
    "expect_logits_to_cross_entropy",
    "expect_loss_decreased",
    "expect_loss_history",
    "expect_modules_called",
    "expect_moves_assigned",
    "expect_no_graph_kept",
    "expect_constant_lr",
    "expect_full_batch_steps",
    "expect_optimizer",
    "expect_optimizer_over",
    "expect_relu_between_linears",
    "expect_shuffled_batches",
    "expect_trained_on",
    "fail",
    "learning_ratio",
    "observe_training",
    "probe_inputs",
    "record_loss_curve",
    "regression_data",
    "require_attribute",
    "require_module_class",
    "run_training",
    "trace_forward",
    "train_reference",
]
