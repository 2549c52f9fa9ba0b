# expect: loss_broadcast
"""Kata 05 — y.view(-1) deixa o alvo [N] contra a saída [N, 1]: a MSE espalha (broadcast) para [N, N]."""

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
    modelo = modelo.to(dispositivo)
    X, y = X.to(dispositivo), y.view(-1).to(dispositivo)
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
