# expect: looks.not_called
"""Kata 19 — carregar escreve modelo.eval sem parênteses: nomeia o método e não o chama, e o modelo fica em modo de treino."""

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
    modelo.eval
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


if __name__ == "__main__":
    modelo = SimpleLinearModel()
    salvar(modelo, "modelo.pt")
    copia = carregar("modelo.pt", SimpleLinearModel)
    X = torch.randn(4, 10)
    print(torch.equal(modelo(X), copia(X)), copia.training)
