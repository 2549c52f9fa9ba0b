# expect: fatal.tampered.internals
# runtime: fatal.tampered.introspection
# kata: 01_duas_camadas
"""Pede um frame a um `unittest.mock.Mock(side_effect=getattr(sys, "_getframe"))`: quem chama
`sys._getframe` é o código do `mock`, não o arquivo do aprendiz. Sobe a pilha com
`operator.attrgetter("f_back")` até a sessão do pytest e troca a função de cada teste oculto por
uma que não faz nada: sem o gancho de auditoria, toda verificação "rodaria até o fim" e passaria.
Quem pega: o gancho de auditoria do processo filho, que atravessa os frames da biblioteca padrão
que só repassam chamadas (`unittest.mock`, `functools`, `operator`...) até a linha do aprendiz. Desde a leitura do código-fonte que vê
`getattr(sys, ...)`, o scan o recusa antes de rodar (`# expect:`); o gancho, sozinho, ainda o pega
(`# runtime:`)."""

import operator
import sys
import unittest.mock

from torch import nn

_de_cima, _locais = operator.attrgetter("f_back"), operator.attrgetter("f_locals")
_quadro = unittest.mock.Mock(side_effect=getattr(sys, "_get" + "frame"))(1)
while _quadro is not None:
    _sessao = _locais(_quadro).get("session")
    if type(_sessao).__name__ == "Session":
        for _item in _sessao.items:
            _item.obj = lambda **_: None
        break
    _quadro = _de_cima(_quadro)


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
