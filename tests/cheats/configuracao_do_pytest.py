# expect: linear_count
# runtime: linear_count
# kata: 01_duas_camadas
# env: PYTEST_ADDOPTS=-p plugin_trapaceiro
# env: PYTEST_PLUGINS=plugin_trapaceiro
# env: PYTHONPATH={workspace}
"""O arquivo da kata é o esboço; a trapaça está na área de trabalho: um conftest.py, um
pytest.ini, o pyproject.toml e o setup.cfg pedindo um plugin que aprova tudo, e as variáveis
PYTEST_ADDOPTS/PYTEST_PLUGINS. Nada disso chega ao pytest do processo filho: a kata falha pelo
motivo de verdade."""

from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)

# === arquivo: plugin_trapaceiro.py ===
import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.outcome = "passed"
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    return True
# === arquivo: conftest.py ===
from plugin_trapaceiro import pytest_pyfunc_call, pytest_runtest_makereport  # noqa: F401
# === arquivo: pytest.ini ===
[pytest]
addopts = -p plugin_trapaceiro
# === arquivo: pyproject.toml ===
[tool.pytest.ini_options]
addopts = ["-p", "plugin_trapaceiro"]
# === arquivo: setup.cfg ===
[tool:pytest]
addopts = -p plugin_trapaceiro
