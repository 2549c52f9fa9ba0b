"""Testes ocultos da kata 07_tempo_na_gpu.

O ``funcao`` que o ``medir_tempo`` de quem aprende recebe é dos testes (checks.timing.TimedWork):
eles contam as chamadas e decidem quanto dura cada uma, num relógio falso que só anda com o
trabalho. Na GPU (a real ou a simulada, katacheck.checks.cuda_sim), uma chamada só lança o
kernel: a duração dela chega ao relógio quando o código espera pela GPU. Assim o próprio número
devolvido diz se houve aquecimento, média e sincronização, e o juiz o recalcula das durações.
"""

import torch

from katacheck import checks
from katacheck.checks import timing

#: O aquecimento dura muito mais que as outras chamadas (alocação, escolha de kernels).
AQUECIMENTO = 0.5
#: Quantas repetições cada verificação pede (a padrão do contrato é 10).
REPETICOES = {"aquecimento": 5, "media": 7, "gpu": 4}
#: O tamanho da matriz em comparar (pequeno: a verificação mede de verdade).
TAMANHO = 48


def duracoes(rotulo: str) -> list[float]:
    """As durações (segundos) das chamadas cronometradas: sorteadas sob a semente-base, entre 5 e
    15 ms, as mesmas no teste e no juiz."""
    semente = {"aquecimento": 1, "media": 2, "padrao": 3, "gpu": 4}[rotulo]
    valores = 0.005 + 0.01 * torch.rand(12, generator=checks.generator(semente), dtype=torch.float64)
    return [round(float(v), 6) for v in valores]


def medir(learner, rotulo: str, dispositivo: str) -> timing.TimingRun:
    medir_tempo = checks.require_attribute(learner, "medir_tempo")
    execucao = timing.observe_timing(medir_tempo, dispositivo, repetitions=REPETICOES.get(rotulo),
                                     warmup=AQUECIMENTO, durations=duracoes(rotulo))
    checks.evidence.submit(rotulo, repeticoes=execucao.repetitions, chamadas=execucao.calls,
                           resultado=timing.seconds_or_none(execucao.result))
    return execucao


def test_aquece_antes_de_medir(learner):
    """medir_tempo chama funcao uma vez a mais, para aquecer, fora da medição."""
    execucao = medir(learner, "aquecimento", "cpu")
    timing.expect_warmup(execucao)
    timing.expect_mean(execucao)


def test_media_das_repeticoes(learner):
    """medir_tempo devolve a média, em segundos, das repeticoes chamadas cronometradas."""
    execucao = medir(learner, "media", "cpu")
    timing.expect_mean(execucao)
    timing.expect_warmup(execucao)


def test_repeticoes_padrao(learner):
    """Sem repeticoes, medir_tempo cronometra 10 chamadas."""
    execucao = medir(learner, "padrao", "cpu")
    timing.expect_warmup(execucao)
    timing.expect_mean(execucao)


def test_sincroniza_na_gpu(learner):
    """Na GPU, o relógio só é lido depois de torch.cuda.synchronize(), e a média é a das chamadas."""
    with checks.cuda_available():
        execucao = medir(learner, "gpu", "cuda")
    timing.expect_synchronized(execucao)
    timing.expect_warmup(execucao)
    timing.expect_mean(execucao)


def _comparacao(learner, contexto, rotulo: str, dispositivos: tuple[str, ...]):
    """Roda ``comparar`` no regime de ``contexto``; devolve o que o regime diz de si
    (``"real"`` ou ``"simulated"`` sob :func:`checks.cuda_available`)."""
    comparar = checks.require_attribute(learner, "comparar")
    with contexto() as regime:
        with timing.MatmulWatcher() as produtos:
            resultado = checks.call_learner(comparar, tamanho=TAMANHO)
    tempos = timing.expect_comparison(resultado, TAMANHO, produtos.calls, dispositivos)
    checks.evidence.submit(rotulo, tempos=tempos,
                           produtos=[[c.device, [list(s) for s in c.shape]] for c in produtos.calls[:50]])
    return regime


def test_comparar_com_gpu(learner):
    """Com GPU, comparar cronometra o produto tamanho × tamanho na cpu e na cuda."""
    regime = _comparacao(learner, checks.cuda_available, "comparar_gpu", ("cpu", "cuda"))
    # Só informação, depois de tudo conferido: numa GPU de verdade, a aceleração que o próprio
    # cronômetro de quem aprende mede no tamanho padrão; sem GPU, onde ela apareceria.
    timing.note_speedup(checks.require_attribute(learner, "comparar"), regime)


def test_comparar_sem_gpu(learner):
    """Sem GPU, comparar cronometra só a cpu."""
    _comparacao(learner, checks.cuda_unavailable, "comparar_cpu", ("cpu",))
