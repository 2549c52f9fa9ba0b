"""Kata 13 — SGD com momentum, à mão.

As notas escrevem a regra do SGD com momentum e weight decay:

    v ← μ·v + ∇J + λ·w        e depois        w ← w − η·v

Abaixo está o passo do SGD simples, w ← w − η·∇J. Acrescente a velocidade e o weight decay
(veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    # TODO: na primeira chamada, guarde em `velocidades` uma velocidade (zeros) por parâmetro;
    #       a cada chamada, atualize v ← μ·v + ∇J + λ·w e só então mova w ← w − η·v.
    with torch.no_grad():
        for p in parametros:
            p -= lr * p.grad


def criar_otimizador(modelo):
    # TODO: o otimizador das notas também usa momentum=0.9 e weight_decay=1e-4.
    return torch.optim.SGD(modelo.parameters(), lr=0.01)


if __name__ == "__main__":
    torch.manual_seed(0)
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    modelo = SimpleLinearModel()
    criterio = nn.MSELoss()
    parametros = list(modelo.parameters())
    velocidades = []
    for epoca in range(100):
        modelo.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        passo_sgd(parametros, velocidades, lr=0.01)
    print(f"perda final: {perda.item():.4f}")
