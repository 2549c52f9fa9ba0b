# expect: loss_not_on_device
"""A MSE escrita à mão sobre modelo(X).cpu(), com y na CPU: nenhum erro, e a perda nunca vai para a GPU."""
import copy
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
    X = X.to(dispositivo)
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = ((modelo(X).cpu() - y) ** 2).mean()
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
