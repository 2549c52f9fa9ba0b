# expect: fatal.tampered.internals
# runtime: fatal.tampered.introspection
# kata: 01_duas_camadas
"""Chega ao escritor do canal de resultados sem escrever nenhum nome que a varredura estática
procure: `functools.partial(getattr(sys, "_get" + "frame"), 1)()` dá um frame, e
`operator.attrgetter("f_back")`/`attrgetter("f_locals")` sobem a pilha até o `send` e o `close`
do processo filho; então envia, assinado e em ordem, "passou" para cada verificação e `done`, e
sai com `os._exit(0)`. Sem o gancho de auditoria, a kata passaria. Quem pega: o gancho de auditoria
do processo filho: o `partial` é código C, então o frame que pede `sys._getframe` ainda é o do
aprendiz, e a linha é acusada na primeira chamada. Desde a leitura do código-fonte que vê
`getattr(sys, ...)`, o scan o recusa antes de rodar (`# expect:`); o gancho, sozinho, ainda o pega
(`# runtime:`)."""

import functools
import operator
import os
import sys

from torch import nn

_pegar_quadro = functools.partial(getattr(sys, "_get" + "frame"), 1)
_de_cima, _locais = operator.attrgetter("f_back"), operator.attrgetter("f_locals")
_quadro = _pegar_quadro()
while _quadro is not None:
    _vars = _locais(_quadro)
    if "send" in _vars and "close" in _vars:
        _enviar = _vars["send"]
        _nomes = ["test_define_a_classe", "test_tamanhos_padrao", "test_outros_tamanhos", "test_gradientes",
                  "test_aprende"]
        for _i, _nome in enumerate(_nomes):
            if _i:
                _enviar({"event": "start", "name": _nome, "title": _nome})
            _enviar({"event": "check", "check": {"name": _nome, "title": _nome, "outcome": "pass"}})
        _enviar({"event": "done", "exitstatus": 0})
        _vars["close"]()
        getattr(os, "_exit")(0)
    _quadro = _de_cima(_quadro)


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
