# expect: learner.workspace_import
# runtime: learner.workspace_import
# kata: 03_adam
"""O arquivo da kata é inocente: só importa `treinar` de um módulo `ajudante.py` da área de
trabalho, posto no `sys.path` com `sys.path.insert(0, ".")`. A trapaça (trocar `torch.optim.SGD`
pelo Adam e copiar a solução) está no ajudante, que a varredura estática nunca lê. Quem pega: o
guarda de importações do processo filho (o primeiro `sys.meta_path`), que recusa todo módulo da
área de trabalho com um diagnóstico neutro ("o katacheck verifica só o arquivo da kata; coloque o
código auxiliar dentro dele"): o código do ajudante nunca roda."""

import sys

sys.path.insert(0, ".")

from ajudante import treinar  # noqa: E402,F401

# === arquivo: ajudante.py ===
import torch
from torch import nn

torch.optim.SGD = torch.optim.Adam


def treinar(modelo, X, y, epocas=100):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = nn.functional.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
