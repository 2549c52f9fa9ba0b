# expect: fatal.tampered.skip
# runtime: fatal.tampered.skip
# kata: 01_duas_camadas
"""Pula o módulo inteiro na importação: sem proteção, todo teste "pulado" contaria como aprovado."""

import pytest

pytest.skip("nada para ver aqui", allow_module_level=True)
