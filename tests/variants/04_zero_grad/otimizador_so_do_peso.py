# expect: optimizer_missing_params
"""Kata 04 — o otimizador (e o seu zero_grad) só cobre o peso da camada: o bias nunca é zerado nem atualizado."""

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
    otimizador = torch.optim.SGD([modelo.linear.weight], lr=lr)
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
