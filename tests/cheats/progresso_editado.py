# expect: linear_count
# runtime: linear_count
# kata: 01_duas_camadas
"""Não resolve a kata: ao ser importado, escreve em `.katacheck/progresso.json` que ela passou,
para que `katacheck solution` mostre a solução de referência (o `verify` guarda as aprovações que
já estão no arquivo). Quem pega: a kata falha pelo motivo de verdade, e `katacheck solution` só
abre com uma aprovação assinada (HMAC com uma chave fora da área de trabalho), que só o
`katacheck verify` grava: um `passed` escrito à mão não abre nada
(`tests/test_solution_lock.py` faz isso por um `katacheck verify` de verdade)."""

import json
import pathlib

from torch import nn

_progresso = pathlib.Path(".katacheck") / "progresso.json"
_progresso.parent.mkdir(exist_ok=True)
_dados = json.loads(_progresso.read_text(encoding="utf-8")) if _progresso.is_file() else {}
_dados.setdefault("passed", []).append("01_duas_camadas")
_progresso.write_text(json.dumps(_dados), encoding="utf-8")


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
