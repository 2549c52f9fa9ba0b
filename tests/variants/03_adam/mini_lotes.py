# expect: steps_per_epoch
"""Mini-lotes de 32 dentro de cada época, guardando a média das perdas dos lotes: o diagnóstico dizia só que a primeira perda não bate."""
import torch
from torch import nn
import torch.nn.functional as F


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100):
    criterio = nn.MSELoss()
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        total = 0.0
        for i in range(0, len(X), 32):
            otimizador.zero_grad()
            perda = criterio(modelo(X[i:i + 32]), y[i:i + 32])
            perda.backward()
            otimizador.step()
            total += perda.item()
        perdas.append(total / ((len(X) + 31) // 32))
    return perdas
