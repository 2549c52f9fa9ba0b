# expect: pass
"""Adam com um grupo de parâmetros em dicionário, laço while, zero_grad depois do step e float(perda)."""
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
    otimizador = torch.optim.Adam([{"params": modelo.parameters()}], lr=1e-2, betas=(0.9, 0.999))
    perdas = []
    epoca = 0
    while epoca < epocas:
        perda = F.mse_loss(modelo(X), y, reduction="mean")
        perda.backward()
        otimizador.step()
        otimizador.zero_grad(set_to_none=False)
        perdas.append(float(perda))
        epoca += 1
    return perdas
