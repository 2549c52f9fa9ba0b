# expect: linear_count
# runtime: linear_count
# kata: 01_duas_camadas
# env: PYTHONPATH={workspace}
"""A trapaça está em sitecustomize.py, usercustomize.py e num torch.py falso na área de
trabalho, que o Python importaria sozinho ao iniciar (ou no lugar do torch): o processo filho
roda com `-I` e sem a pasta da área de trabalho no sys.path, e nenhum deles é importado."""

from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)

# === arquivo: sitecustomize.py ===
import builtins
builtins.all = lambda iterable: True
# === arquivo: usercustomize.py ===
import os
os._exit(0)
# === arquivo: pytest.py ===
raise SystemExit(0)
