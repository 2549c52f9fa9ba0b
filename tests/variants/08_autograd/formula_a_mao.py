# expect: autograd_wrong_value
"""Kata 08 — as derivadas das notas escritas à mão: passam nos exemplos, não nas funções ocultas."""


def derivada(f, x):
    return 2.0 * x


def gradiente(f, valores):
    x, y = valores
    return [4.0 * x, 9.0 * y ** 2]
