# expect: lr_changed
"""Adam com um StepLR que corta o lr a cada 30 épocas: o juiz dizia só que o passo 31 não anda como o Adam."""
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
    criterio = nn.MSELoss()
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    agenda = torch.optim.lr_scheduler.StepLR(otimizador, step_size=30, gamma=0.5)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        agenda.step()
        perdas.append(perda.item())
    return perdas
