# expect: pass
"""Zera à mão cada p.grad com zero_() sob no_grad, pulando os que ainda são None."""
import torch
from torch import nn
import torch.nn.functional as F


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100, lr=0.01):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        with torch.no_grad():
            for p in modelo.parameters():
                if p.grad is not None:
                    p.grad.zero_()
        perda = F.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
