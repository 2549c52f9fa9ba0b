# expect: fatal.tampered.patch
# runtime: fatal.tampered.runtime
# kata: 01_duas_camadas
"""Faz todo relatório do pytest dizer "passou", pela API pública do pytest."""

import pytest
from torch import nn

pytest.TestReport.failed = property(lambda self: False)
pytest.TestReport.passed = property(lambda self: True)


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
