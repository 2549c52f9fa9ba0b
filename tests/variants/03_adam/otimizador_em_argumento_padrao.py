# expect: optimizer_from_earlier_call
"""O Adam guardado num argumento padrão para não recriá-lo: a segunda chamada dá os passos no modelo da primeira."""
import torch
from torch import nn
import torch.nn.functional as F


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100, _guardado={}):
    if "otimizador" not in _guardado:
        _guardado["otimizador"] = torch.optim.Adam(modelo.parameters(), lr=0.01)
    otimizador = _guardado["otimizador"]
    criterio = nn.MSELoss()
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
