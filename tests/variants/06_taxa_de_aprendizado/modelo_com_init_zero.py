# expect: rates_model_changed
"""O SimpleLinearModel do arquivo foi mudado (nn.init.zeros_ no peso): o diagnóstico mandava chamar manual_seed(0), que já é chamado."""

import math

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)
        nn.init.zeros_(self.linear.weight)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, lr, epocas=100):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def comparar_taxas(X, y, taxas, epocas=100):
    historicos = {}
    for taxa in taxas:
        torch.manual_seed(0)
        modelo = SimpleLinearModel()
        historicos[taxa] = treinar(modelo, X, y, taxa, epocas)
    return historicos


def melhor_taxa(historicos):
    finitos = {taxa: perdas for taxa, perdas in historicos.items() if all(math.isfinite(p) for p in perdas)}
    return min(finitos, key=lambda taxa: finitos[taxa][-1])


if __name__ == "__main__":
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    historicos = comparar_taxas(X, y, [10.0, 0.1, 0.01, 0.001])
    for taxa, perdas in historicos.items():
        print(f"lr={taxa:<6} perda final: {perdas[-1]:.4g}")
    print("melhor taxa:", melhor_taxa(historicos))
