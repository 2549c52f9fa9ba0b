"""O juiz da kata 07_tempo_na_gpu: cada tempo devolvido, recalculado das durações.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). As
durações de cada chamada cronometrada vêm do próprio teste (sorteadas sob a mesma semente-base);
o juiz calcula a média das ``repeticoes`` primeiras e compara com o que ``medir_tempo`` devolveu.
Sem aquecimento, com o aquecimento no cronômetro, sem sincronizar a GPU (o relógio só vê os
lançamentos) ou somando em vez de tirar a média, o número é outro. De ``comparar``, o juiz confere
as chaves, que os tempos são positivos e que houve um produto tamanho × tamanho em cada dispositivo.
"""

import math

from katacheck import judge
from katacheck.checks.timing import DEFAULT_REPETITIONS, MEAN_TOLERANCE

testes = judge.sibling(__file__, "test_kata")

MEDIDAS = {
    "aquecimento": "test_aquece_antes_de_medir",
    "media": "test_media_das_repeticoes",
    "padrao": "test_repeticoes_padrao",
    "gpu": "test_sincroniza_na_gpu",
}
COMPARACOES = {"comparar_gpu": ("test_comparar_com_gpu", ("cpu", "cuda")),
               "comparar_cpu": ("test_comparar_sem_gpu", ("cpu",))}


def julgar(evidencias):
    for rotulo, check in MEDIDAS.items():
        yield from _medida(evidencias, rotulo, check)
    for rotulo, (check, dispositivos) in COMPARACOES.items():
        yield from _comparacao(evidencias, rotulo, check, dispositivos)


def _numero(valor) -> bool:
    return isinstance(valor, (int, float)) and not isinstance(valor, bool) and math.isfinite(valor)


def _medida(evidencias, rotulo: str, check: str):
    item = evidencias.get(rotulo)
    if item is None or not _numero(item.get("resultado")):
        yield judge.finding(check, "no_evidence", check=check)
        return
    n = testes.REPETICOES.get(rotulo, DEFAULT_REPETITIONS)
    esperada = math.fsum(testes.duracoes(rotulo)[:n]) / n
    if abs(item["resultado"] - esperada) > MEAN_TOLERANCE * esperada:
        yield judge.finding(check, "timing_mean", found=f"{item['resultado']:.6g}", expected=f"{esperada:.6g}",
                            repetitions=n)


def _comparacao(evidencias, rotulo: str, check: str, dispositivos):
    item = evidencias.get(rotulo)
    tempos = item.get("tempos") if item is not None else None
    produtos = item.get("produtos") if item is not None else None
    if not isinstance(tempos, dict) or not isinstance(produtos, list):
        yield judge.finding(check, "no_evidence", check=check)
        return
    quadrado = [testes.TAMANHO, testes.TAMANHO]
    for dispositivo in dispositivos:
        feito = any(isinstance(p, list) and len(p) == 2 and p[0] == dispositivo and p[1]
                    and all(forma == quadrado for forma in p[1]) for p in produtos)
        if sorted(tempos) != sorted(dispositivos) or not _numero(tempos.get(dispositivo)) \
                or tempos[dispositivo] <= 0 or not feito:
            yield judge.finding(check, "comparison", device=dispositivo, size=testes.TAMANHO)
            return
