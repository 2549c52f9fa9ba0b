# expect: resume_epoch_not_from_file
"""salvar_checkpoint guarda a época numa variável global, e retomar devolve essa variável em vez da época do arquivo."""

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


_ultima_epoca = 0


def salvar_checkpoint(modelo, otimizador, epoca, caminho):
    global _ultima_epoca
    _ultima_epoca = epoca
    torch.save({
        "modelo": modelo.state_dict(),
        "otimizador": otimizador.state_dict(),
    }, caminho)


def retomar(caminho, modelo, otimizador):
    checkpoint = torch.load(caminho, weights_only=True)
    modelo.load_state_dict(checkpoint["modelo"])
    otimizador.load_state_dict(checkpoint["otimizador"])
    return _ultima_epoca

