"""Kata 19 — Salvar, carregar e retomar.

Os "Próximos passos" das notas: guardar um modelo treinado, usá-lo depois e retomar um treino
interrompido de onde ele parou (veja o enunciado com `katacheck next`, ou peça uma dica com
`katacheck hint`).
"""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def salvar(modelo, caminho):
    # TODO: salve só o state_dict do modelo (os tensores), não o objeto inteiro.
    torch.save(modelo, caminho)


def carregar(caminho, criar_modelo):
    modelo = criar_modelo()
    modelo.load_state_dict(torch.load(caminho, weights_only=True))
    # TODO: o modelo carregado vai ser usado para prever: em que modo ele deve voltar?
    return modelo


def salvar_checkpoint(modelo, otimizador, epoca, caminho):
    # TODO: o checkpoint precisa de tudo para retomar o treino exatamente de onde parou.
    torch.save({"modelo": modelo.state_dict()}, caminho)


def retomar(caminho, modelo, otimizador):
    checkpoint = torch.load(caminho, weights_only=True)
    modelo.load_state_dict(checkpoint["modelo"])
    # TODO: restaure também o que mais o checkpoint guardar, e devolva a época salva.
    return 0


if __name__ == "__main__":
    modelo = SimpleLinearModel()
    salvar(modelo, "modelo.pt")
    copia = carregar("modelo.pt", SimpleLinearModel)
    X = torch.randn(4, 10)
    print(torch.equal(modelo(X), copia(X)), copia.training)
