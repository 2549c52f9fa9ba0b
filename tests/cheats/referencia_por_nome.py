# expect: fatal.tampered.import
# runtime: none
# kata: 16_curvas_de_perda
"""Responde a kata 16 com a leitura de referência do próprio katacheck
(`katacheck.checks.curves`, a mesma que o juiz refaz), pedida pelo nome a `pkgutil.resolve_name`:
nenhum `import katacheck`, nenhum import dinâmico que o scan conhecia. O módulo já está carregado
no processo filho, então nenhum buscador é consultado e o guarda de imports não vê nada; o juiz
também não: a resposta é a certa. Passava no `verify` e no `grade`.

Lacuna conhecida da camada de execução: ler um módulo já importado pelo nome não gera evento de
auditoria. Quem pega é a leitura do código-fonte: uma string que nomeia um módulo do verificador
(`"katacheck..."`, `"_pytest..."`, `"pluggy..."`) e as funções que entregam um módulo pelo nome."""

import pkgutil

_ref = pkgutil.resolve_name("katacheck.checks.curves")


def diagnosticar(treino, validacao):
    return _ref.diagnosis(treino, validacao)


def melhor_epoca(validacao, paciencia=3):
    return _ref.best_epoch(validacao, paciencia)
