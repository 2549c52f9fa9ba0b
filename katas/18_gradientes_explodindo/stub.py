"""Kata 18 — Gradientes explodindo.

Com entradas grandes e lr=0.1, este laço do curso diverge até nan: veja o enunciado com
`katacheck next`, ou peça uma dica com `katacheck hint`.
"""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar_estavel(modelo, X, y, epocas=100, lr=0.1, max_norma=1.0):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        # TODO: limite a norma dos gradientes a max_norma antes de o otimizador usá-los.
        otimizador.step()
        perdas.append(perda.item())
    return perdas


if __name__ == "__main__":
    torch.manual_seed(0)
    X = 4 * torch.randn(64, 10)
    y = X @ torch.randn(10, 1) + 0.5
    perdas = treinar_estavel(SimpleLinearModel(), X, y)
    print(f"perda: {perdas[0]:.3f} → {perdas[-1]:.3f}")
