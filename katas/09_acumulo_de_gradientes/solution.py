"""Kata 09 — Acúmulo de gradientes (solução de referência)."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    perda_total = 0.0
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        saida = modelo(X_parte)
        perda = criterio(saida, y_parte) * len(X_parte) / len(X)
        perda.backward()
        perda_total += perda.item()
    otimizador.step()
    return perda_total


if __name__ == "__main__":
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    modelo = SimpleLinearModel()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perda = passo_acumulado(modelo, otimizador, nn.MSELoss(), X, y, partes=4)
    print(f"perda do lote inteiro antes do passo: {perda:.3f}")
