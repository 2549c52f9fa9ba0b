"""O juiz da kata 09_acumulo_de_gradientes: o passo único é o do gradiente do lote inteiro.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). Para
cada treino observado, refaz o cenário do teste (o mesmo modelo inicial, os mesmos dados),
calcula aqui, em float64 e de uma vez só, o gradiente do lote inteiro e o passo do SGD que ele
dá, e confere com os parâmetros que o treino deixou; confere também as partes que o modelo viu
e a perda que a função devolveu.
"""

import torch

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")

#: O que cada verificação afirma: os treinos que a sustentam e o que, em cada um, precisa valer.
VERIFICACOES = {
    "test_define_passo_acumulado": (("partes_iguais",), ()),
    "test_em_partes": (("partes_iguais", "partes_desiguais"), ("partes",)),
    "test_gradiente_do_lote_inteiro": (("partes_iguais",), ("inicio", "passos", "gradiente")),
    "test_gradientes_velhos": (("gradientes_velhos",), ("inicio", "passos", "gradiente")),
    "test_partes_desiguais": (("partes_desiguais",), ("inicio", "passos", "gradiente")),
    "test_usa_o_criterio": (("outro_criterio",), ("inicio", "passos", "gradiente")),
    "test_um_passo": (("partes_iguais", "partes_desiguais"), ("inicio", "passos")),
    "test_devolve_a_perda": (("partes_iguais", "partes_desiguais", "outro_criterio"), ("perda",)),
}
#: A maior diferença relativa entre a perda devolvida e a do lote inteiro recalculada aqui.
TOLERANCIA_PERDA = 1e-4


def julgar(evidencias):
    problemas = {rotulo: _problemas(evidencias.get(rotulo), rotulo) for rotulo in testes.CENARIOS}
    for verificacao, (rotulos, aspectos) in VERIFICACOES.items():
        achado = next(_achados(verificacao, rotulos, aspectos, problemas), None)
        if achado is not None:
            yield achado


def _achados(verificacao, rotulos, aspectos, problemas):
    for rotulo in rotulos:
        encontrados = problemas[rotulo]
        if encontrados is None:
            yield judge.finding(verificacao, "no_evidence", check=verificacao)
            return
        for aspecto in aspectos:
            if aspecto in encontrados:
                codigo, valores = encontrados[aspecto]
                yield judge.finding(verificacao, codigo, **valores)
                return


def _problemas(item, rotulo):
    """O que não se sustenta num treino: {aspecto: (código, valores)}; None: sem evidência."""
    cenario = testes.CENARIOS[rotulo]
    modelo = testes.modelo_inicial(cenario).double()
    inicial = [p.detach().clone() for p in modelo.parameters()]
    try:
        inicio = None if item["start"] is None else [judge.tensor(p) for p in item["start"]]
        final = [judge.tensor(p) for p in item["final"]]
        passos, passes = int(item["steps"]), int(item["passes"])
        tamanhos = [int(n) for n in item["sizes"]]
        perda = item["loss"]
    except (TypeError, ValueError, KeyError):
        return None
    if [p.shape for p in final] != [p.shape for p in inicial] or \
            (inicio is not None and [p.shape for p in inicio] != [p.shape for p in inicial]):
        return None
    X, y = (t.double() for t in testes.dados(cenario))
    problemas = {}
    esperados = [len(parte) for parte in torch.tensor_split(X, cenario.partes)]
    if tamanhos != esperados or passes != cenario.partes:
        problemas["partes"] = ("accumulation_pieces", {"parts": cenario.partes, "expected": _lista(esperados),
                                                        "found": _lista(tamanhos) or "—", "passes": passes})
    if passos != 1 or inicio is None:
        problemas["passos"] = ("accumulation_steps", {"found": passos})
    elif not all(a.shape == b.shape and torch.equal(a, b) for a, b in zip(inicio, inicial)):
        problemas["inicio"] = ("other_start", {})
    perda_inteira = testes.CRITERIOS[cenario.criterio][1](modelo(X), y)
    gradientes = torch.autograd.grad(perda_inteira, list(modelo.parameters()))
    if "passos" not in problemas and "inicio" not in problemas:
        esperado = [p - testes.LR * g for p, g in zip(inicial, gradientes)]
        folga = judge.step_gap(inicial, final, esperado)
        if not folga <= judge.STEP_TOLERANCE:
            problemas["gradiente"] = ("accumulation_step", {"gap": f"{folga:.3g}"})
    valor = float(perda_inteira)
    if not (isinstance(perda, (int, float)) and abs(perda - valor) <= TOLERANCIA_PERDA * max(1.0, abs(valor))):
        problemas["perda"] = ("accumulation_loss", {"found": perda if perda is not None else "—",
                                                    "expected": f"{valor:.6g}"})
    return problemas


def _lista(tamanhos):
    return ", ".join(map(str, tamanhos))
