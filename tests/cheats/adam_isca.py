# expect: steps_per_epoch
# runtime: steps_per_epoch
# kata: 03_adam
"""Um Adam com lr=0 de fachada, e um SGD ao lado que é quem treina de verdade.

O Adam existe e dá step() em todas as épocas, então a verificação dentro do processo, que
olha quais otimizadores rodaram, aceitava. O juiz refaz o treino: os parâmetros foram movidos
por passos de SGD, e ele diz isso (`judge.other_optimizer`), sem depender de nada que o processo
da kata afirme. Desde que o processo filho conta os passos de cada época (af9a482), ele mesmo o
pega antes: dois step() por época (`steps_per_epoch`).
"""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100):
    criterio = nn.MSELoss()
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.0)
    de_verdade = torch.optim.SGD(modelo.parameters(), lr=0.05)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        de_verdade.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        de_verdade.step()
        perdas.append(perda.item())
    return perdas
