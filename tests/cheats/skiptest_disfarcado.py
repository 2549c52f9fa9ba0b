# expect: fatal.tampered.skip
# runtime: fatal.tampered.skip
# kata: 01_duas_camadas
"""Levanta `unittest.SkipTest` (que o pytest trata como "pulado") ao construir o modelo."""

import unittest

from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        raise unittest.SkipTest("sem tempo")

    def forward(self, x):
        return x
