# expect: fatal.tampered.internals
# runtime: fatal.tampered.introspection
# kata: 01_duas_camadas
"""Manda uma thread fazer o trabalho sujo: `ThreadPoolExecutor().submit(sys._current_frames)`
(por `getattr`, que a varredura estática não lê) roda numa pilha só de `threading` e
`concurrent.futures`, sem nenhum frame do aprendiz; com os frames de todas as threads em mãos, sobe
a pilha principal até a sessão do pytest e troca a função de cada teste oculto por uma que não faz
nada. Quem pega: o gancho de auditoria do processo filho: uma pilha que é só encanamento da
biblioteca padrão é uma thread rodando o que lhe deram, e conta como do aprendiz, na linha que a
thread principal está rodando (a que espera o resultado). Desde a leitura do código-fonte que vê
`getattr(sys, ...)`, o scan o recusa antes de rodar (`# expect:`); o gancho, sozinho, ainda o pega
(`# runtime:`)."""

import sys
import operator
from concurrent.futures import ThreadPoolExecutor

from torch import nn

_de_cima, _locais = operator.attrgetter("f_back"), operator.attrgetter("f_locals")
with ThreadPoolExecutor(1) as _pool:
    _quadros = _pool.submit(getattr(sys, "_current" + "_frames")).result()
for _quadro in _quadros.values():
    while _quadro is not None:
        _sessao = _locais(_quadro).get("session")
        if type(_sessao).__name__ == "Session":
            for _item in _sessao.items:
                _item.obj = lambda **_: None
        _quadro = _de_cima(_quadro)


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
