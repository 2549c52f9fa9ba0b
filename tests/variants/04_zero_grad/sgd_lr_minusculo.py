# expect: loss_lr_too_low
"""Kata 04 — lr=1e-6 fixo no otimizador: os passos são tão pequenos que a perda quase não se mexe."""

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
    otimizador = torch.optim.SGD(modelo.parameters(), lr=1e-6)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
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
