# expect: pass
import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad(set_to_none=False)
    perdas = []
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        fracao = len(X_parte) / len(X)
        perda = criterio(modelo(X_parte), y_parte)
        (perda * fracao).backward()
        perdas.append(perda.item() * fracao)
    otimizador.step()
    return sum(perdas)
