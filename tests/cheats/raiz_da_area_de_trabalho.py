# expect: linear_count
# runtime: linear_count
# kata: 01_duas_camadas
# never: importado-pelo-init.txt
# never: importado-pelo-conftest.txt
"""O arquivo da kata é o esboço; a trapaça está num `__init__.py` e num `conftest.py` na raiz da
área de trabalho, que aprovariam tudo se alguém os importasse (o `__init__.py` troca
`KataResult.passed` do katacheck, o `conftest.py` reescreve os relatórios do pytest) e deixam um
arquivo-marca ao serem importados. Quem pega: ninguém precisa pegar, porque nenhum processo os
importa: o pai (`katacheck verify`) não coleta nada da área de trabalho, e o filho roda com
`--noconftest`, `--import-mode=importlib` e sem a área de trabalho no `sys.path`. A kata falha pelo
motivo de verdade, e as marcas não existem (também por um `katacheck verify` de verdade, em
`tests/test_cheats.py`)."""

from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)

# === arquivo: __init__.py ===
import os

open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "importado-pelo-init.txt"), "w").close()
import katacheck.result

katacheck.result.KataResult.passed = property(lambda self: True)
# === arquivo: conftest.py ===
import os

import pytest

open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "importado-pelo-conftest.txt"), "w").close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.outcome = "passed"
    return report
