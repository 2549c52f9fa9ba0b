# expect: fatal.tampered.fd
# runtime: fatal.tampered.stream
# kata: 04_zero_grad
"""Escreve resultados falsos em todo descritor aberto do processo (o canal de resultados está
entre eles) e no antigo arquivo de eventos, e sai com 0."""

import glob
import json
import os

_linhas = [{"event": "check", "check": {"name": n, "title": n, "outcome": "passed"}}
           for n in ("test_define_treinar", "test_sem_gradientes_velhos", "test_otimizador_sgd",
                     "test_perda_diminui", "test_devolve_as_perdas")]
_texto = "".join(json.dumps(e) + "\n" for e in [*_linhas, {"event": "done", "exitstatus": 0}]).encode()
for _caminho in glob.glob("/tmp/katacheck-*/eventos.jsonl"):
    with open(_caminho, "wb") as _arquivo:
        _arquivo.write(_texto)
for _nome in os.listdir("/proc/self/fd"):
    if int(_nome) > 2:
        try:
            os.write(int(_nome), _texto)
        except OSError:
            pass
os._exit(0)
