# expect: save_state_keys
"""salvar grava um dicionário de named_parameters(): faltam os buffers da BatchNorm."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def salvar(modelo, caminho):
    torch.save({nome: p.detach() for nome, p in modelo.named_parameters()}, caminho)


def carregar(caminho, criar_modelo):
    modelo = criar_modelo()
    modelo.load_state_dict(torch.load(caminho, weights_only=True))
    modelo.eval()
    return modelo


def salvar_checkpoint(modelo, otimizador, epoca, caminho):
    torch.save({
        "epoca": epoca,
        "modelo": modelo.state_dict(),
        "otimizador": otimizador.state_dict(),
    }, caminho)


def retomar(caminho, modelo, otimizador):
    checkpoint = torch.load(caminho, weights_only=True)
    modelo.load_state_dict(checkpoint["modelo"])
    otimizador.load_state_dict(checkpoint["otimizador"])
    return checkpoint["epoca"]

