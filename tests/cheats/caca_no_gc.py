# expect: fatal.tampered.internals
# runtime: fatal.tampered.introspection
# kata: 01_duas_camadas
"""Procura no coletor de lixo as funções do verificador, para chamá-las ou trocá-las."""

import gc

from torch import nn

_funcoes = [o for o in gc.get_objects() if callable(o) and "katacheck" in getattr(o, "__module__", "")]


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
