# expect: fatal.tampered.import
# runtime: fatal.tampered.runtime
# kata: 01_duas_camadas
"""Põe um módulo falso no lugar de `katacheck.checks` e do torch em `sys.modules`. O scan o recusa
pela string que nomeia um módulo do verificador (`"katacheck.checks"`), antes da escrita."""

import sys
import types

from torch import nn

falso = types.ModuleType("katacheck.checks")
falso.__getattr__ = lambda nome: (lambda *args, **kwargs: None)
sys.modules["katacheck.checks"] = falso
sys.modules["torch.optim"] = falso


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
