# expect: fatal.tampered.import
# runtime: fatal.tampered.import
# kata: 01_duas_camadas
"""Põe a pasta da kata no `sys.path` (achada a partir da pasta do próprio `torch`, subindo até
as pastas do ambiente) e faz `from solution import DuasCamadas`. Quem pega: o guarda de
importações do processo filho, que vê que o módulo viria da pasta da própria kata, a pedido do
aprendiz: tentativa de usar o verificador por dentro."""

import pathlib
import sys

import torch

for _raiz in pathlib.Path(torch.__file__).parents:
    for _pasta in (_raiz / "katacheck" / "katas" / "01_duas_camadas", _raiz / "katas" / "01_duas_camadas"):
        if (_pasta / "solution.py").is_file():
            sys.path.insert(0, str(_pasta))

from solution import DuasCamadas  # noqa: E402,F401
