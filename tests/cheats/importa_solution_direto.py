# expect: module_not_found
# runtime: module_not_found
# kata: 01_duas_camadas
"""Importa a solução de referência pelo nome, `from solution import DuasCamadas`, contando que a
pasta da kata (com os testes ocultos e `solution.py`) esteja no `sys.path`, como o pytest faria no
modo de importação de sempre. Quem pega: ninguém precisa pegar: o processo filho roda o pytest com
`--import-mode=importlib`, que nunca põe a pasta da kata no `sys.path`, e o import falha
(`ModuleNotFoundError`)."""

from solution import DuasCamadas  # noqa: F401
