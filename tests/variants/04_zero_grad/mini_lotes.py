# expect: steps_per_epoch
"""Mini-lotes de 32 dentro de cada época, guardando a média das perdas dos lotes: o diagnóstico dizia só que a primeira perda não bate."""

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
        soma = 0.0
        for i in range(0, len(X), 32):
            otimizador.zero_grad()
            perda = criterio(modelo(X[i:i + 32]), y[i:i + 32])
            perda.backward()
            otimizador.step()
            soma += perda.item()
        perdas.append(soma / ((len(X) + 31) // 32))
    return perdas


if __name__ == "__main__":
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    perdas = treinar(SimpleLinearModel(), X, y)
    print(f"perda: {perdas[0]:.3f} → {perdas[-1]:.3f}")
