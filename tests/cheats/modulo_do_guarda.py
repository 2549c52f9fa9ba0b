# expect: fatal.tampered.dynamic_code
# runtime: none
# kata: 16_curvas_de_perda
"""Chega ao katacheck pelo guarda de imports do próprio processo filho: o primeiro buscador de
`sys.meta_path` é um objeto do katacheck; `inspect.getmodule` dá o módulo dele, cujo atributo
`importlib` importa a leitura de referência da kata 16 (já carregada: nenhum buscador é
consultado) por um nome montado com `join`. Passava no `verify` e no `grade`.

Lacuna conhecida da camada de execução (como `referencia_por_nome`). Quem pega é a leitura do
código-fonte: `inspect.getmodule`, `import_module` chamado de qualquer dono com um nome que não é
uma constante, e a leitura de `sys.meta_path`."""

import inspect
import sys

_guarda = inspect.getmodule(sys.meta_path[0])
_ref = _guarda.importlib.import_module(".".join(["katacheck", "checks", "curves"]))


def diagnosticar(treino, validacao):
    return _ref.diagnosis(treino, validacao)


def melhor_epoca(validacao, paciencia=3):
    return _ref.best_epoch(validacao, paciencia)
