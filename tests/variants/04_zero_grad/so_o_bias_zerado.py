# expect: stale_gradients_partial
"""Kata 04 — zera à mão só o gradiente do bias (e só quando ele já existe); o peso continua somando."""

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
        if modelo.linear.bias.grad is not None:
            modelo.linear.bias.grad.zero_()
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
