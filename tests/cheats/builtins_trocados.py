# expect: fatal.tampered.patch
# runtime: fatal.tampered.runtime
# kata: 01_duas_camadas
"""Troca `isinstance`, `all` e `len` de todo o processo: as checagens do verificador mentiriam."""

import builtins

from torch import nn

_isinstance = builtins.isinstance
builtins.all = lambda iterable: True
builtins.isinstance = lambda obj, cls: True if cls is nn.Linear else _isinstance(obj, cls)


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
