# expect: check.not_run
# runtime: check.not_run
# kata: 03_adam
"""`treinar` treina de verdade com Adam, mas deixa no modelo um gancho de `forward` que é um
`unittest.mock.Mock(side_effect=unittest.SkipTest(...))`: quando o verificador mede a perda final,
o `SkipTest` nasce dentro do torch e do `mock`, sem nenhuma linha do aprendiz no traceback, e o
pytest marcaria as verificações como "puladas". Quem pega: o plugin do processo filho, para o qual
só passa a verificação cuja função de teste rodou até o fim: uma verificação pulada é uma
falha (`check.not_run`)."""

import unittest
import unittest.mock

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100):
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = nn.functional.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    modelo.register_forward_pre_hook(unittest.mock.Mock(side_effect=unittest.SkipTest("sem tempo")))
    return perdas
