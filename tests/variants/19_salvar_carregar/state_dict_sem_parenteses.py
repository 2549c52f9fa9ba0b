# expect: checkpoint_bound_method
"""Kata 19 — `otimizador.state_dict` sem parênteses no checkpoint: vai para o arquivo o método, em pickle."""


import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def salvar(modelo, caminho):
    torch.save(modelo.state_dict(), caminho)


def carregar(caminho, criar_modelo):
    modelo = criar_modelo()
    modelo.load_state_dict(torch.load(caminho, weights_only=True))
    modelo.eval()
    return modelo


def salvar_checkpoint(modelo, otimizador, epoca, caminho):
    torch.save({
        "epoca": epoca,
        "modelo": modelo.state_dict(),
        "otimizador": otimizador.state_dict,
    }, caminho)


def retomar(caminho, modelo, otimizador):
    checkpoint = torch.load(caminho, weights_only=True)
    modelo.load_state_dict(checkpoint["modelo"])
    otimizador.load_state_dict(checkpoint["otimizador"]())
    return checkpoint["epoca"]

