# expect: pass
"""Recorta os parâmetros do param_groups do otimizador, com max_norm=, norm_type= e error_if_nonfinite=, e imprime a norma."""

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
        # Depois do backward (os gradientes novos existem) e antes do step (que os usa).
        norma = torch.nn.utils.clip_grad_norm_(otimizador.param_groups[0]["params"], max_norm=max_norma, norm_type=2.0, error_if_nonfinite=True)
        if _ % 25 == 0:
            print(f"época {_}: norma antes do recorte {norma:.2f}")
        otimizador.step()
        perdas.append(float(perda.detach()))
    return perdas

