# expect: relu_input_changed
"""relu(h - 0.1): a segunda camada recebe a ReLU, mas a ReLU não recebe a saída da primeira camada."""
import torch
from torch import nn
import torch.nn.functional as F


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        return self.camada2(torch.relu(self.camada1(x) - 0.1))
