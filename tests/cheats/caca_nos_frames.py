# expect: fatal.tampered.internals
# runtime: fatal.tampered.introspection
# kata: 01_duas_camadas
"""Sobe pela pilha de chamadas atrás do pytest e apaga os relatórios de falha."""

import sys

from torch import nn

_frame = sys._getframe()
while _frame is not None:
    for _valor in list(_frame.f_locals.values()):
        if type(_valor).__name__ == "Session":
            _valor.testsfailed = 0
    _frame = _frame.f_back


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
