# expect: relu_result_unused
"""Kata 02 — a ReLU vai para outra variável, e a segunda camada recebe a de antes."""

import torch.nn.functional as F
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        oculta = self.camada1(x)
        ativada = F.relu(oculta)
        return self.camada2(oculta)
