# expect: dropout_between
"""F.dropout(..., training=self.training) entre a ReLU e a segunda camada (o Dropout funcional, não um módulo)."""
import torch
from torch import nn
import torch.nn.functional as F


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        return self.camada2(F.dropout(torch.relu(self.camada1(x)), p=0.3, training=self.training))
