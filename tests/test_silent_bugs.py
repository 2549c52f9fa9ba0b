"""The silent-bug detectors (katacheck.checks.silent): for each, a learner snippet with the bug
(caught, with its code and the learner's line) and one without it (not flagged).

Everything runs in this process: each snippet is written to a file, registered as the learner's
file and imported, then run under the detectors. The line a diagnosis must point at is marked
``# <-`` in the snippet.
"""

from __future__ import annotations

import importlib.util
import itertools
import textwrap
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from katacheck import checks
from katacheck.checks import context
from katacheck.checks.eager import skip_dynamo_import
from katacheck.checks.failures import KataFailure
from katacheck.checks.silent import COURSE_LR_RANGES, SilentBugMonitor

HEADER = """\
import copy
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import clip_grad_norm_
from torch.utils.data import DataLoader, TensorDataset
"""
# As in the kata child: the first optimizer would otherwise import torch._dynamo (seconds).
skip_dynamo_import()

#: Appended to the line a diagnosis must point at.
MARK = "  # <-"
_names = itertools.count()


@pytest.fixture
def learner(tmp_path: Path):
    """``learner(source)`` writes ``source`` as the learner's file and imports it."""
    previous = context.learner_file()

    def load(source: str):
        path = tmp_path / f"aluno_{next(_names)}.py"
        path.write_text(HEADER + textwrap.dedent(source), encoding="utf-8")
        context.set_learner_file(path)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.marked_line = _marked_line(path)
        return module

    yield load
    context.set_learner_file(previous)


@pytest.fixture(autouse=True)
def _portuguese(monkeypatch: pytest.MonkeyPatch):
    """Messages are checked in pt-BR, whatever language an earlier test left."""
    from katacheck import i18n

    previous = i18n.language()
    monkeypatch.setenv("KATACHECK_LANG", "pt_BR")
    i18n.set_language("pt_BR")
    yield
    i18n.set_language(previous)


def _marked_line(path: Path) -> int | None:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((number for number, line in enumerate(lines, 1) if line.rstrip().endswith("# <-")), None)


def caught(code: str, aluno, check, *args, **kwargs) -> KataFailure:
    """``check(*args, **kwargs)`` fails with ``code``, pointing at the snippet's marked line."""
    with pytest.raises(KataFailure) as raised:
        check(*args, **kwargs)
    failure = raised.value
    assert failure.diagnosis.code == code, failure.diagnosis
    assert failure.diagnosis.hint, code
    if aluno.marked_line is not None:
        assert failure.diagnosis.location is not None, code
        assert failure.diagnosis.location.line == aluno.marked_line, failure.diagnosis.location
    return failure


def classification_data(seed: int = 0, n: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 4, generator=generator)
    return X, (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()


def watch(train, model, *args, **kwargs) -> SilentBugMonitor:
    with SilentBugMonitor(model=model) as monitor:
        train(model, *args, **kwargs)
    return monitor


# -- 1. softmax / log_softmax before cross_entropy ----------------------------------------------

CLASSIFIER = """
def treinar(modelo, X, y, epocas=3):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.1)
    for _ in range(epocas):
        otimizador.zero_grad()
        saida = {saida}
        perda = {perda}
        perda.backward()
        otimizador.step()
"""


@pytest.mark.parametrize("saida, producer", [
    ("torch.softmax(modelo(X), dim=1)  # <-", "softmax"),
    ("nn.Softmax(dim=1)(modelo(X))  # <-", "softmax"),
])
def test_softmax_before_cross_entropy_is_caught(learner, saida, producer):
    aluno = learner(CLASSIFIER.format(saida=saida, perda="nn.CrossEntropyLoss()(saida, y)"))
    torch.manual_seed(0)
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    failure = caught("softmax_before_cross_entropy", aluno, checks.expect_logits_to_cross_entropy, monitor)
    assert f"`{producer}`" in failure.diagnosis.message
    assert f"linha {aluno.marked_line + 1}" in failure.diagnosis.message  # the loss line, named too


def test_log_softmax_before_cross_entropy_is_caught(learner):
    aluno = learner(CLASSIFIER.format(saida="F.log_softmax(modelo(X), dim=1)  # <-",
                                      perda="F.cross_entropy(saida, y)"))
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    caught("log_softmax_before_cross_entropy", aluno, checks.expect_logits_to_cross_entropy, monitor)


def test_logits_to_cross_entropy_pass(learner):
    aluno = learner(CLASSIFIER.format(saida="modelo(X)", perda="nn.CrossEntropyLoss()(saida, y)"))
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    checks.expect_logits_to_cross_entropy(monitor)
    assert [call.kind for call in monitor.loss_inputs] == ["logits"] * 3


def test_a_loop_without_cross_entropy_is_caught(learner):
    aluno = learner(CLASSIFIER.format(saida="modelo(X)", perda="F.nll_loss(saida, y)"))
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    caught("loss_not_called", aluno, checks.expect_logits_to_cross_entropy, monitor)


def test_log_softmax_and_nll_in_place_of_cross_entropy_is_named(learner):
    aluno = learner(CLASSIFIER.format(saida="modelo(X)", perda="F.nll_loss(F.log_softmax(saida, 1), y)"))
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    caught("cross_entropy_as_nll", aluno, checks.expect_logits_to_cross_entropy, monitor)


# -- 2. NLLLoss on probabilities ------------------------------------------------------------------


def test_nll_on_probabilities_is_caught(learner):
    aluno = learner(CLASSIFIER.format(saida="F.softmax(modelo(X), dim=1)  # <-", perda="nn.NLLLoss()(saida, y)"))
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    failure = caught("nll_on_probabilities", aluno, checks.expect_log_probabilities_to_nll, monitor)
    assert "`softmax`" in failure.diagnosis.message


def test_nll_on_logits_is_caught(learner):
    aluno = learner(CLASSIFIER.format(saida="modelo(X)", perda="F.nll_loss(saida, y)  # <-"))
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    caught("nll_on_logits", aluno, checks.expect_log_probabilities_to_nll, monitor)


def test_nll_on_log_probabilities_pass(learner):
    aluno = learner(CLASSIFIER.format(saida="torch.log_softmax(modelo(X), dim=1)", perda="nn.NLLLoss()(saida, y)"))
    monitor = watch(aluno.treinar, nn.Linear(4, 3), *classification_data())
    checks.expect_log_probabilities_to_nll(monitor)
    assert {call.kind for call in monitor.loss_inputs} == {"log_probabilities"}


# -- 3. eval() / no_grad forgotten in validation ------------------------------------------------

VALIDATOR = """
def validar(modelo, X, y):
{body}
    return (saida.argmax(1) == y).float().mean().item()
"""


def model_with_dropout() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))


@pytest.mark.parametrize("code, body", [
    ("validation_train_mode", """
    with torch.no_grad():
        saida = modelo(X)  # <-"""),
    ("validation_grad_enabled", """
    modelo.eval()
    saida = modelo(X)  # <-"""),
    ("forward_called_directly", """
    modelo.eval()
    with torch.no_grad():
        saida = modelo.forward(X)  # <-"""),
])
def test_validation_bugs_are_caught(learner, code, body):
    aluno = learner(VALIDATOR.format(body=textwrap.indent(textwrap.dedent(body), "    ")))
    failure = caught(code, aluno, checks.expect_evaluation_mode, aluno.validar, model_with_dropout(),
                     *classification_data())
    if code == "validation_train_mode":
        assert "(Dropout " in failure.diagnosis.message  # the layer that behaves differently


def test_validation_in_eval_mode_without_grad_pass(learner):
    aluno = learner(VALIDATOR.format(body="""
    modelo.eval()
    with torch.no_grad():
        saida = modelo(X)"""))
    modelo = model_with_dropout()
    X, y = classification_data()
    accuracy = checks.expect_evaluation_mode(aluno.validar, modelo, X, y)
    with torch.no_grad():
        assert accuracy == (modelo(X).argmax(1) == y).float().mean().item()


def test_inference_mode_counts_as_no_grad(learner):
    aluno = learner(VALIDATOR.format(body="""
    modelo.eval()
    with torch.inference_mode():
        saida = modelo(X)"""))
    checks.expect_evaluation_mode(aluno.validar, model_with_dropout(), *classification_data())


# -- 4. loss tensors accumulated instead of .item() --------------------------------------------

ACCUMULATOR = """
def treinar(modelo, X, y, epocas=4):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    total, perdas = 0.0, []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = F.mse_loss(modelo(X), y) + 1e-3 * modelo.weight.pow(2).sum()
{before}
        perda.backward()
        otimizador.step()
{after}
    return perdas
"""


@pytest.mark.parametrize("before, after", [
    ("", "        total += perda  # <-"),
    ("        total = total + perda  # <-", ""),
])
def test_total_of_loss_tensors_is_caught(learner, before, after):
    aluno = learner(ACCUMULATOR.format(before=before, after=after))
    X, y = checks.regression_data(n=32)
    monitor = watch(aluno.treinar, nn.Linear(10, 1), X, y)
    caught("graph_accumulated", aluno, checks.expect_no_graph_kept, monitor)


def test_returned_loss_tensors_are_caught(learner):
    aluno = learner(ACCUMULATOR.format(before="", after="        perdas.append(perda)"))
    X, y = checks.regression_data(n=32)
    with SilentBugMonitor(model=nn.Linear(10, 1)) as monitor:
        perdas = aluno.treinar(monitor.model, X, y)
    failure = caught("graph_kept", aluno, checks.expect_no_graph_kept, monitor, perdas=perdas)
    assert "`perdas[0]`" in failure.diagnosis.message and "AddBackward0" in failure.diagnosis.message


def test_losses_kept_as_numbers_pass(learner):
    aluno = learner(ACCUMULATOR.format(before="", after="""\
        total += perda.item()
        perdas.append(perda.item())"""))
    X, y = checks.regression_data(n=32)
    with SilentBugMonitor(model=nn.Linear(10, 1)) as monitor:
        perdas = aluno.treinar(monitor.model, X, y)
    checks.expect_no_graph_kept(monitor, perdas=perdas, detached=[torch.ones(2, requires_grad=True).detach()])
    assert len(perdas) == 4 and monitor.backwards == len(monitor.losses) == 4  # each backward seen once


# -- 5. model.forward(x) instead of model(x) ---------------------------------------------------

LINEAR_LOOP = """
{classes}
def treinar(modelo, X, y, epocas=3):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = F.mse_loss({call}, y){mark}
        perda.backward()
        otimizador.step()
"""

CLASSES = """
class Camada(nn.Linear):
    def forward(self, x):
        return super().forward(x)  # the parent's forward through super(): fine


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada1 = Camada(10, 8)
        self.camada2 = nn.Linear(8, 1)

    def forward(self, x):
        return self.camada2{second}(torch.relu(self.camada1(x))){mark}
"""


@pytest.mark.parametrize("call, second, module", [
    ("modelo.forward(X)", "", "modelo"),
    ("modelo(X)", ".forward", "self.camada2"),
])
def test_direct_forward_is_caught(learner, call, second, module):
    aluno = learner(LINEAR_LOOP.format(classes=CLASSES.format(second=second, mark=MARK if second else ""),
                                       call=call, mark="" if second else MARK))
    monitor = watch(aluno.treinar, aluno.Rede(), *checks.regression_data(n=32))
    failure = caught("forward_called_directly", aluno, checks.expect_modules_called, monitor)
    assert f"`{module}`" in failure.diagnosis.message


def test_model_called_pass_and_patches_are_undone(learner):
    aluno = learner(LINEAR_LOOP.format(classes=CLASSES.format(second="", mark=""), call="modelo(X)", mark=""))
    modelo = aluno.Rede()
    classes = {type(module) for module in modelo.modules()}
    before = {cls: vars(cls).get("forward") for cls in classes}
    originals = (DataLoader.__init__, torch.nn.utils.clip_grad._clip_grads_with_norm_)
    monitor = watch(aluno.treinar, modelo, *checks.regression_data(n=32))
    checks.expect_modules_called(monitor)
    assert len(monitor.forwards) == 3
    assert {cls: vars(cls).get("forward") for cls in classes} == before
    assert (DataLoader.__init__, torch.nn.utils.clip_grad._clip_grads_with_norm_) == originals
    assert not torch.overrides._is_torch_function_mode_enabled()


def test_deepcopy_of_the_model_inside_the_loop_works(learner):
    aluno = learner(LINEAR_LOOP.format(classes="", call="modelo(X)", mark="").replace(
        "        otimizador.step()", "        otimizador.step()\n        melhor = copy.deepcopy(modelo)\n"
        "        melhor(X)"))
    monitor = watch(aluno.treinar, nn.Linear(10, 1), *checks.regression_data(n=32))
    checks.expect_modules_called(monitor)


# -- 6. learning rate too high or too low ------------------------------------------------------

LR_LOOP = """
def treinar(modelo, X, y, epocas=100):
    otimizador = torch.optim.{optimizer}(modelo.parameters(), lr={lr})  # <-
    for _ in range({epochs}):
        otimizador.zero_grad()
        perda = F.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
"""


def train_course_task(aluno, seed: int = 0) -> checks.TrainingRun:
    X, y = checks.regression_data()
    torch.manual_seed(seed)
    return checks.observe_training(aluno.treinar, nn.Linear(10, 1), X, y, epocas=100)


@pytest.mark.parametrize("optimizer, lr, code", [
    ("SGD", 2.0, "lr_too_high"),
    ("Adam", 300, "lr_too_high"),
    ("SGD", 1e-4, "lr_too_low"),
    ("Adam", 1e-5, "lr_too_low"),
])
def test_bad_learning_rates_are_caught(learner, optimizer, lr, code):
    aluno = learner(LR_LOOP.format(optimizer=optimizer, lr=lr, epochs="epocas"))
    run = train_course_task(aluno)
    failure = caught(code, aluno, checks.expect_learning_rate, run)
    low, high = COURSE_LR_RANGES[optimizer]
    assert f"lr={lr:g}" in failure.diagnosis.message
    assert f"{low:g}" in failure.diagnosis.hint and f"{high:g}" in failure.diagnosis.hint


@pytest.mark.parametrize("optimizer, lr", [("SGD", 0.02), ("SGD", 0.2), ("Adam", 0.001), ("Adam", 0.05)])
def test_working_learning_rates_pass(learner, optimizer, lr):
    aluno = learner(LR_LOOP.format(optimizer=optimizer, lr=lr, epochs="epocas"))
    checks.expect_learning_rate(train_course_task(aluno, seed=1))


def test_an_lr_inside_the_range_is_never_blamed(learner):
    # Training fails (one epoch instead of 100), but lr=0.01 is in range: not the lr's fault.
    aluno = learner(LR_LOOP.format(optimizer="SGD", lr=0.01, epochs="1"))
    run = train_course_task(aluno)
    assert run.loss_after / run.loss_before > checks.silent.STALL_RATIO
    checks.expect_learning_rate(run)


@pytest.mark.parametrize("lr, code", [(1e-6, "lr_stalled"), (100.0, "lr_diverged")])
def test_without_a_range_the_behaviour_alone_decides(learner, lr, code):
    aluno = learner(LR_LOOP.format(optimizer="RMSprop", lr=lr, epochs="epocas"))  # no calibrated range
    caught(code, aluno, checks.expect_learning_rate, train_course_task(aluno))


# -- 7. shuffle forgotten ----------------------------------------------------------------------

BATCH_LOOP = """
def treinar(modelo, X, y, epocas=3):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
{loader}
    for _ in range(epocas):
{batches}
            otimizador.zero_grad()
            perda = F.mse_loss(modelo(xb), yb){mark}
            perda.backward()
            otimizador.step()
"""
LOADER = "    lotes = DataLoader(TensorDataset(X, y), batch_size=16{shuffle})"
FROM_LOADER = "        for xb, yb in lotes:"
BY_HAND = """\
        ordem = {order}
        for inicio in range(0, len(X), 16):
            xb, yb = X[ordem[inicio:inicio + 16]], y[ordem[inicio:inicio + 16]]"""
@pytest.mark.parametrize("loader, batches, mark, code", [
    (LOADER.format(shuffle="") + MARK, FROM_LOADER, "", "shuffle_forgotten"),
    (LOADER.format(shuffle=", shuffle=False") + MARK, FROM_LOADER, "", "shuffle_forgotten"),
    ("", BY_HAND.format(order="torch.arange(len(X))"), MARK, "batches_same_order"),
])
def test_unshuffled_batches_are_caught(learner, loader, batches, mark, code):
    aluno = learner(BATCH_LOOP.format(loader=loader, batches=batches, mark=mark))
    torch.manual_seed(0)
    monitor = watch(aluno.treinar, nn.Linear(10, 1), *checks.regression_data(n=64))
    failure = caught(code, aluno, checks.expect_shuffled_batches, monitor)
    assert " 4 " in failure.diagnosis.message  # 64 rows / 16 = 4 batches per epoch


@pytest.mark.parametrize("loader, batches", [
    (LOADER.format(shuffle=", shuffle=True"), FROM_LOADER),
    ("", BY_HAND.format(order="torch.randperm(len(X))")),
    ("", "        for xb, yb in [(X, y)]:"),  # full batch: the order does not matter
])
def test_shuffled_batches_pass(learner, loader, batches):
    aluno = learner(BATCH_LOOP.format(loader=loader, batches=batches, mark=""))
    torch.manual_seed(0)
    monitor = watch(aluno.treinar, nn.Linear(10, 1), *checks.regression_data(n=64))
    checks.expect_shuffled_batches(monitor)
    assert len(monitor.batches) == (3 if "[(X, y)]" in batches else 12)


# -- 8. clip_grad_norm_ missing or misplaced ---------------------------------------------------

CLIP_LOOP = """
def treinar(modelo, X, y, epocas=3):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    for _ in range(epocas):
        otimizador.zero_grad()
{steps}
"""
FORWARD = "        perda = F.mse_loss(modelo(X), y)"
BACKWARD = "        perda.backward()"
STEP = "        otimizador.step()"
CLIP = "        clip_grad_norm_(modelo.parameters(), max_norm=0.5)  # <-"


@pytest.mark.parametrize("steps, code", [
    ([FORWARD, CLIP, BACKWARD, STEP], "clip_before_backward"),
    ([FORWARD, BACKWARD, STEP, CLIP], "clip_after_step"),
    ([FORWARD, BACKWARD, STEP], "clip_missing"),
    ([FORWARD, BACKWARD, CLIP.replace("0.5", "5.0"), STEP], "clip_max_norm"),
])
def test_misplaced_clipping_is_caught(learner, steps, code):
    aluno = learner(CLIP_LOOP.format(steps="\n".join(steps)))
    monitor = watch(aluno.treinar, nn.Linear(10, 1), *checks.regression_data(n=32))
    failure = caught(code, aluno, checks.expect_gradient_clipping, monitor, max_norm=0.5)
    if code.startswith("clip_"):
        assert "0.5" in failure.diagnosis.message + failure.diagnosis.hint


def test_clipping_between_backward_and_step_passes(learner):
    aluno = learner(CLIP_LOOP.format(steps="\n".join([FORWARD, BACKWARD, CLIP, STEP])))
    monitor = watch(aluno.treinar, nn.Linear(10, 1), *checks.regression_data(n=32))
    checks.expect_gradient_clipping(monitor, max_norm=0.5)
    assert len(monitor.clips) == 3 and all(clip.total_norm > 0.5 for clip in monitor.clips)


# -- 9. an optimizer over another model --------------------------------------------------------

OPTIMIZER_LOOP = """
def treinar(modelo, X, y, epocas=3):
{optimizer}
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = F.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
"""


@pytest.mark.parametrize("optimizer, code", [
    ("    copia = copy.deepcopy(modelo)\n"
     "    otimizador = torch.optim.SGD(copia.parameters(), lr=0.01)  # <-", "optimizer_other_model"),
    ("    otimizador = torch.optim.SGD(nn.Linear(10, 1).parameters(), lr=0.01)  # <-", "optimizer_other_model"),
    ("    otimizador = torch.optim.SGD(modelo[0].parameters(), lr=0.01)  # <-", "optimizer_missing_params"),
])
def test_optimizer_over_another_model_is_caught(learner, optimizer, code):
    aluno = learner(OPTIMIZER_LOOP.format(optimizer=optimizer))
    modelo = nn.Sequential(nn.Linear(10, 4), nn.Linear(4, 1))
    monitor = watch(aluno.treinar, modelo, *checks.regression_data(n=32))
    caught(code, aluno, checks.expect_optimizer_over, monitor, modelo)


def test_optimizer_over_the_model_passes(learner):
    aluno = learner(OPTIMIZER_LOOP.format(optimizer="    otimizador = torch.optim.Adam(modelo.parameters())"))
    modelo = nn.Sequential(nn.Linear(10, 4), nn.Linear(4, 1))
    checks.expect_optimizer_over(watch(aluno.treinar, modelo, *checks.regression_data(n=32)), modelo)


# -- 10. the result of .to(device) not assigned ------------------------------------------------

DEVICE_LOOP = """
def treinar(modelo, X, y, dispositivo, epocas=3):
{moves}
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = F.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
"""


def train_on_gpu(aluno) -> SilentBugMonitor:
    X, y = checks.regression_data(n=32)
    modelo = nn.Linear(10, 1)
    with checks.cuda_available():
        return watch(aluno.treinar, modelo, X, y, torch.device("cuda"))


def test_discarded_move_that_runs_on_the_cpu_is_caught(learner):
    # Nothing moved: it all trains on the CPU, silently.
    aluno = learner(DEVICE_LOOP.format(moves="    X.to(dispositivo)  # <-\n    y.to(dispositivo)"))
    failure = caught("to_result_discarded", aluno, checks.expect_moves_assigned, train_on_gpu(aluno))
    assert "cuda:0" in failure.diagnosis.message and "cpu" in failure.diagnosis.message


def test_discarded_move_that_breaks_the_forward_is_caught_at_its_line(learner):
    # The model moved, X did not: PyTorch's device error becomes the diagnosis of the .to() line.
    aluno = learner(DEVICE_LOOP.format(
        moves="    modelo.to(dispositivo)\n    X.cuda()  # <-\n    y = y.to(dispositivo)"))
    failure = caught("to_result_discarded", aluno, train_on_gpu, aluno)
    assert ".cuda()" in failure.diagnosis.message
    assert isinstance(failure.__context__, RuntimeError)  # PyTorch's own error, kept as the context
    assert not torch.overrides._is_torch_function_mode_enabled()  # the monitor cleaned up anyway


def test_assigned_moves_pass(learner):
    aluno = learner(DEVICE_LOOP.format(
        moves="    modelo.to(dispositivo)\n    X, y = X.to(dispositivo), y.to(dispositivo)\n"
              "    print(X.to('cpu').shape)"))
    monitor = train_on_gpu(aluno)
    checks.expect_moves_assigned(monitor)
    checks.expect_trained_on(monitor, "cuda")


# -- all detectors on one correct, realistic loop ------------------------------------------------

REALISTIC = """
class Classificador(nn.Module):
    def __init__(self):
        super().__init__()
        self.rede = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2),
                                  nn.Linear(16, 3))

    def forward(self, x):
        return self.rede(x)


def validar(modelo, X, y):
    modelo.eval()
    with torch.no_grad():
        acertos = (modelo(X).argmax(1) == y).float().mean().item()
    modelo.train()
    return acertos


def treinar(modelo, X, y, dispositivo, epocas=3):
    modelo = modelo.to(dispositivo)
    X, y = X.to(dispositivo), y.to(dispositivo)
    lotes = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True)
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    criterio = nn.CrossEntropyLoss()
    historico, melhor = [], None
    for _ in range(epocas):
        total = 0.0
        for xb, yb in lotes:
            otimizador.zero_grad()
            perda = criterio(modelo(xb), yb)
            perda.backward()
            torch.nn.utils.clip_grad_norm_(modelo.parameters(), max_norm=1.0)
            otimizador.step()
            total += perda.item()
        historico.append(total / len(lotes))
        if validar(modelo, X, y) > 0.5:
            melhor = copy.deepcopy(modelo)
    print(F.softmax(modelo(X[:2]), dim=1).cpu())
    return historico
"""


def test_a_correct_loop_passes_every_detector(learner):
    aluno = learner(REALISTIC)
    torch.manual_seed(0)
    modelo = aluno.Classificador()
    X, y = classification_data(n=32)
    with checks.cuda_available(), SilentBugMonitor(model=modelo) as monitor:
        historico = aluno.treinar(modelo, X, y, torch.device("cuda"))
    checks.expect_logits_to_cross_entropy(monitor)
    checks.expect_no_graph_kept(monitor, historico=historico)
    checks.expect_modules_called(monitor)
    checks.expect_shuffled_batches(monitor)
    checks.expect_gradient_clipping(monitor, max_norm=1.0)
    checks.expect_optimizer_over(monitor, modelo)
    checks.expect_moves_assigned(monitor)
    checks.expect_trained_on(monitor, "cuda")
    with checks.cuda_available():
        checks.expect_evaluation_mode(aluno.validar, modelo.to("cuda"), X.to("cuda"), y.to("cuda"))
    assert len(monitor.clips) == monitor.backwards == 12  # 3 epochs × 4 batches of 8
    assert len(monitor.batches) == 12 + 1  # and the final print's forward, in training mode
