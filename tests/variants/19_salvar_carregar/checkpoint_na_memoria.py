# expect: resume_model_not_from_file
"""retomar restaura o modelo e o otimizador de um dicionário guardado na memória por salvar_checkpoint, sem ler o arquivo."""

import torch
from torch import nn

_memoria = {}


def salvar(modelo, caminho):
    torch.save(modelo.state_dict(), caminho)


def carregar(caminho, criar_modelo):
    modelo = criar_modelo()
    modelo.load_state_dict(torch.load(caminho, weights_only=True))
    modelo.eval()
    return modelo


def salvar_checkpoint(modelo, otimizador, epoca, caminho):
    estado = {"epoca": epoca, "modelo": modelo.state_dict(), "otimizador": otimizador.state_dict()}
    _memoria["ultimo"] = {"epoca": epoca, "modelo": {k: v.clone() for k, v in modelo.state_dict().items()},
                          "otimizador": otimizador.state_dict()}
    torch.save(estado, caminho)


def retomar(caminho, modelo, otimizador):
    checkpoint = _memoria["ultimo"]  # já está na memória, não precisa ler o arquivo
    modelo.load_state_dict(checkpoint["modelo"])
    otimizador.load_state_dict(checkpoint["otimizador"])
    return checkpoint["epoca"]
