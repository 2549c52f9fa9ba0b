# expect: pass
"""Kata 19 — o checkpoint com as chaves do tutorial do PyTorch, torch.load sem argumentos (o
padrão já é weights_only=True) e `return modelo.eval()`."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def salvar(modelo, caminho):
    estado = modelo.state_dict()
    torch.save(estado, caminho)


def carregar(caminho, criar_modelo):
    modelo = criar_modelo()
    estado = torch.load(caminho)
    modelo.load_state_dict(estado)
    return modelo.eval()


def salvar_checkpoint(modelo, otimizador, epoca, caminho):
    checkpoint = {
        "epoch": epoca,
        "model_state_dict": modelo.state_dict(),
        "optimizer_state_dict": otimizador.state_dict(),
    }
    torch.save(checkpoint, caminho)


def retomar(caminho, modelo, otimizador):
    checkpoint = torch.load(caminho)
    modelo.load_state_dict(checkpoint["model_state_dict"])
    otimizador.load_state_dict(checkpoint["optimizer_state_dict"])
    epoca = checkpoint["epoch"]
    return epoca
