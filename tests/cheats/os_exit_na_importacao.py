# expect: fatal.exited
# runtime: fatal.exited
# kata: 01_duas_camadas
"""Sai do processo com código 0 assim que é importado, antes de qualquer verificação."""

import os

os._exit(0)
