# expect: pass
"""Kata 03 — Adam importado com `from torch import optim`, perda funcional."""

import torch
from torch import nn, optim
import torch.nn.functional as F


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100):
    otimizador = optim.Adam(params=modelo.parameters(), lr=1e-2, betas=(0.9, 0.999))
    historico = list()
    for epoca in range(1, epocas + 1):
        previsao = modelo(X)
        perda = F.mse_loss(previsao, y)
        otimizador.zero_grad()
        perda.backward()
        otimizador.step()
        historico.append(float(perda))
    return historico


if __name__ == "__main__":
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    perdas = treinar(SimpleLinearModel(), X, y)
    print(f"perda: {perdas[0]:.3f} → {perdas[-1]:.3f}")
