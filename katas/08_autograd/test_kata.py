"""Testes ocultos da kata 08_autograd.

Cada caso é (função do aprendiz, fórmula, f, ponto). O valor certo é o que o autograd dá,
calculado aqui (e refeito pelo juiz) com :func:`pelo_autograd`, nunca escrito à mão.
"""

import torch

from katacheck import checks

#: Os exemplos das notas (4.3, "Prática intensiva").
NOTAS_DERIVADA = (
    ("derivada", "x²", lambda x: x ** 2, 2.0),
    ("derivada", "x²", lambda x: x ** 2, 3.0),
)
NOTAS_GRADIENTE = (
    ("gradiente", "2x² + 3y³", lambda x, y: 2 * x ** 2 + 3 * y ** 3, [2.0, 4.0]),
)
#: Números inteiros na entrada: o tensor precisa ser float para ter requires_grad=True.
INTEIRO_DERIVADA = (
    ("derivada", "x³", lambda x: x ** 3, 2),
)
INTEIROS_GRADIENTE = (
    ("gradiente", "x·y²", lambda x, y: x * y ** 2, [3, 2]),
)
#: Funções e pontos que só os testes conhecem: uma fórmula feita à mão não passa.
OCULTOS = (
    ("derivada", "sen(x)·e^(x/2)", lambda x: torch.sin(x) * torch.exp(x / 2), 0.7),
    ("derivada", "x·tanh(x) − 1/x", lambda x: x * torch.tanh(x) - 1 / x, -1.3),
    ("derivada", "log(1 + x²)³", lambda x: torch.log(1 + x ** 2) ** 3, 2.2),
    ("gradiente", "a·b + log(c)·a²", lambda a, b, c: a * b + torch.log(c) * a ** 2, [1.5, -2.0, 3.0]),
    ("gradiente", "sigmoide(x·y) + y⁴", lambda x, y: torch.sigmoid(x * y) + y ** 4, [0.4, -1.1]),
)


def casos_do_espiao(espiao: checks.AutogradSpy):
    """Funções com um degrau "straight-through" (checks.AutogradSpy): o autograd dá uma derivada
    que nenhuma diferença finita dá, e o espião vê se o backward() passou por elas."""
    return (
        ("derivada", "3·degrau(x) + x²", lambda x: 3 * espiao.step(x) + x ** 2, 1.3),
        ("gradiente", "degrau(a)·b + b²", lambda a, b: espiao.step(a) * b + b ** 2, [2.5, -1.5]),
    )


def pelo_autograd(f, ponto):
    """A derivada (ou o gradiente) de f no ponto, pelo autograd, em float64."""
    valores = ponto if isinstance(ponto, list) else [ponto]
    tensores = [torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for v in valores]
    f(*tensores).backward()
    grads = [t.grad.item() for t in tensores]
    return grads if isinstance(ponto, list) else grads[0]


def chamada(funcao: str, formula: str, ponto) -> str:
    """Como a chamada aparece numa mensagem: ``derivada(f, 2.0)``, com f(x) = x²."""
    return f"{funcao}(f, {ponto!r})"


def verificar(learner, casos, evidencia: str, espiao: checks.AutogradSpy | None = None) -> None:
    """Chama a função do aprendiz em cada caso, confere tipo, origem e valor, e manda as respostas ao juiz."""
    respostas = []
    for funcao, formula, f, ponto in casos:
        alvo = checks.require_attribute(learner, funcao)
        texto = chamada(funcao, formula, ponto)
        if espiao is not None:
            espiao.reset()
        argumento = list(ponto) if isinstance(ponto, list) else ponto
        resultado = checks.call_learner(alvo, f, argumento)
        if isinstance(ponto, list):
            valor = checks.expect_numbers(resultado, len(ponto), call=texto)
        else:
            valor = checks.expect_number(resultado, call=texto)
        if espiao is not None:
            checks.expect_autograd_used(espiao, call=texto)
        # Uma resposta errada que muda quando a mesma chamada se repete é estado entre chamadas.
        def de_novo(alvo=alvo, f=f, ponto=ponto):
            return checks.call_learner(alvo, f, list(ponto) if isinstance(ponto, list) else ponto)

        checks.expect_derivative(valor, pelo_autograd(f, ponto), call=texto, formula=formula, again=de_novo)
        respostas.append(valor)
    checks.evidence.submit(evidencia, respostas=respostas)


def test_derivada_das_notas(learner):
    """derivada dá os valores das notas: d(x²)/dx é 4 em x = 2.0 e 6 em x = 3.0."""
    verificar(learner, NOTAS_DERIVADA, "notas_derivada")


def test_derivada_de_inteiro(learner):
    """derivada(f, 2) aceita um número inteiro."""
    verificar(learner, INTEIRO_DERIVADA, "inteiro_derivada")


def test_gradiente_das_notas(learner):
    """gradiente dá o valor das notas: para 2x² + 3y³ em (2.0, 4.0), (8, 144)."""
    verificar(learner, NOTAS_GRADIENTE, "notas_gradiente")


def test_gradiente_de_inteiros(learner):
    """gradiente(f, [3, 2]) aceita números inteiros."""
    verificar(learner, INTEIROS_GRADIENTE, "inteiros_gradiente")


def test_funcoes_ocultas(learner):
    """derivada e gradiente acertam em funções e pontos que só os testes conhecem."""
    verificar(learner, OCULTOS, "ocultos")


def test_vem_do_autograd(learner):
    """Os valores vêm do autograd (backward() e .grad), não de diferenças finitas."""
    espiao = checks.AutogradSpy()
    verificar(learner, casos_do_espiao(espiao), "espiao", espiao)
