# expect: pass
"""Kata 05 — move com .cuda() quando o dispositivo é a GPU."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def escolher_dispositivo():
    if torch.cuda.is_available():
        return torch.device("cuda")
    else:
        return torch.device("cpu")


def treinar(modelo, X, y, dispositivo, epocas=100):
    if dispositivo.type == "cuda":
        modelo = modelo.cuda()
        X = X.cuda()
        y = y.cuda()
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
