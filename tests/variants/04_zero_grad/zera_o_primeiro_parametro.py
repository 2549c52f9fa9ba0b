# expect: stale_gradients_partial
"""Kata 04 — o laço que zera pega só o primeiro parâmetro da lista (o peso); o bias fica de fora."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        for parametro in list(modelo.parameters())[:1]:
            parametro.grad = None
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


if __name__ == "__main__":
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    perdas = treinar(SimpleLinearModel(), X, y)
    print(f"perda: {perdas[0]:.3f} → {perdas[-1]:.3f}")
