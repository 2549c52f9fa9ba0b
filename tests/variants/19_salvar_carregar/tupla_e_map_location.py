# expect: pass
"""Kata 19 — o checkpoint numa tupla, torch.load com map_location="cpu" e load_state_dict com
strict=True escrito."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def _ler(caminho):
    return torch.load(caminho, map_location="cpu", weights_only=True)


def salvar(modelo, caminho):
    torch.save(modelo.state_dict(), caminho)


def carregar(caminho, criar_modelo):
    novo = criar_modelo()
    novo.load_state_dict(_ler(caminho), strict=True)
    novo.train(False)
    return novo


def salvar_checkpoint(modelo, otimizador, epoca, caminho):
    torch.save((epoca, modelo.state_dict(), otimizador.state_dict()), caminho)


def retomar(caminho, modelo, otimizador):
    epoca, estado_modelo, estado_otimizador = _ler(caminho)
    modelo.load_state_dict(estado_modelo, strict=True)
    otimizador.load_state_dict(estado_otimizador)
    return epoca
