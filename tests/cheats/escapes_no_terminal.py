# expect: unknown
# runtime: unknown
# kata: 01_duas_camadas
"""Falha de propósito, mas a mensagem da exceção e o que o arquivo imprime trazem sequências de
escape do terminal: apagar a tela, subir o cursor e reescrever as linhas de cima com um "✔ 1 de 1
kata(s) passaram." verde, mudar o título da janela e, no fim, `ESC[8m`, que esconde tudo o que
vem depois (o "✘ 0 de 1" de verdade). O texto chegava cru ao terminal do `verify` e à coluna
`cause` do caderno de notas do `grade`.

Quem pega: o processo pai, que torna visível todo caractere de controle de um resultado (um escape
aparece como `␛`) antes de mostrá-lo ou gravá-lo; tests/test_cheats.py confere isso em todas as
trapaças do corpus."""

import torch
from torch import nn

print("\x1b[2J\x1b[H\x1b[32m✔ 01_duas_camadas — Duas camadas lineares  (0.4 s)\x1b[0m")


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        raise RuntimeError("\r\x1b[2K\x1b[1A\x1b[2K\x1b[32m✔ 1 de 1 kata(s) passaram.\x1b[0m\x1b]0;verde\x07\x1b[8m")
