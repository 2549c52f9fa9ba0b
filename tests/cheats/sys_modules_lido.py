# expect: fatal.tampered.internals
# runtime: none
# kata: 16_curvas_de_perda
"""Tira de `sys.modules` a leitura de referência da kata 16 (`katacheck.checks.curves`), por um
nome montado em tempo de execução: nenhuma string nomeia o katacheck, nada é importado, nada é
escrito em `sys.modules` (o scan só olhava as escritas). O juiz recebe as respostas certas.
Passava no `verify` e no `grade`.

Lacuna conhecida da camada de execução: ler um dicionário não gera evento de auditoria. Quem pega
é a leitura do código-fonte: ler `sys.modules` (ou `sys.meta_path`, `vars(sys)`) não tem uso
honesto numa kata."""

import sys

_ref = sys.modules["kata" + "check.checks.curves"]


def diagnosticar(treino, validacao):
    return _ref.diagnosis(treino, validacao)


def melhor_epoca(validacao, paciencia=3):
    return _ref.best_epoch(validacao, paciencia)
