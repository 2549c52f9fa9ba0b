# expect: hidden_not_relu
"""Uma leaky ReLU escrita à mão com torch.where(h > 0, h, 0.01 * h)."""
import torch
from torch import nn
import torch.nn.functional as F


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        h = self.camada1(x)
        return self.camada2(torch.where(h > 0, h, 0.01 * h))
