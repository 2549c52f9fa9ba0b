# expect: to_result_discarded
"""Kata 05 — X.to(dispositivo) sem guardar o resultado: X continua na CPU."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def escolher_dispositivo():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def treinar(modelo, X, y, dispositivo, epocas=100):
    modelo.to(dispositivo)
    X.to(dispositivo)
    y.to(dispositivo)
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
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
    dispositivo = escolher_dispositivo()
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    perdas = treinar(SimpleLinearModel(), X, y, dispositivo)
    print(f"{dispositivo}: perda {perdas[0]:.3f} → {perdas[-1]:.3f}")
