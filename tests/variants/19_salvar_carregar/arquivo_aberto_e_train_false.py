# expect: pass
"""Salva e lê por um arquivo aberto com open(), clona os tensores, imprime o resultado de load_state_dict e devolve modelo.train(False)."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def salvar(modelo, caminho):
    with open(caminho, "wb") as arquivo:
        torch.save({nome: t.clone() for nome, t in modelo.state_dict().items()}, arquivo)


def carregar(caminho, criar_modelo):
    modelo = criar_modelo()
    with open(caminho, "rb") as arquivo:
        estado = torch.load(arquivo, map_location="cpu", weights_only=True)
    faltando = modelo.load_state_dict(estado, strict=True)
    print("carregado:", faltando)
    return modelo.train(False)


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

