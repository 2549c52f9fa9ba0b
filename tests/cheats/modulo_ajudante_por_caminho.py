# expect: learner.workspace_import
# runtime: learner.workspace_import
# kata: 03_adam
"""Como `modulo_ajudante`, mas sem passar por nenhum buscador de módulos: o ajudante é carregado
pelo caminho, com `importlib.util.spec_from_file_location` e `exec_module`, que o guarda de
importações do `sys.meta_path` nunca vê. Quem pega: o gancho de auditoria do processo filho, que
recusa o código de um arquivo da área de trabalho no momento em que ele vai rodar (o `exec` do
carregador), com o mesmo diagnóstico neutro."""

import importlib.util
import pathlib

_especificacao = importlib.util.spec_from_file_location("ajudante", pathlib.Path(__file__).with_name("ajudante.py"))
_ajudante = importlib.util.module_from_spec(_especificacao)
_especificacao.loader.exec_module(_ajudante)
treinar = _ajudante.treinar

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
