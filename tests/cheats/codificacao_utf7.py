# -*- coding: utf-7 -*-
# expect: fatal.tampered.patch
# runtime: learner.encoding
# kata: 03_adam
"""Declara a codificacao UTF-7, em que `+AAo-` e uma quebra de linha: lido como UTF-8, o fim da
linha de `_versao` e um comentario; lido em UTF-7, como o Python o le, e uma linha a mais que troca
`torch.optim.SGD` pelo Adam, e o esboco (que usa SGD) passaria. Quem pega: a varredura estatica, que
le os bytes como o Python os le (respeitando a declaracao), acha a troca e aponta a linha da
declaracao; com a varredura desligada, o processo filho, que so compila arquivos em UTF-8 e recusa
este na linha 1, com um diagnostico neutro. (Sem acentos: o arquivo inteiro precisa ser ASCII para
ser UTF-7 valido.)"""

import torch
from torch import nn

_versao = 1  # +AAo-torch.optim.SGD = torch.optim.Adam


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
