# expect: fatal.tampered.tracing
# runtime: fatal.tampered.tracing
# kata: 01_duas_camadas
"""Instala um rastreador que vê (e poderia mudar) as variáveis locais das verificações."""

import sys

from torch import nn


def _espiao(frame, evento, argumento):
    return None


sys.settrace(_espiao)


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
