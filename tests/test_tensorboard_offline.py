"""Kata 17 uses no network (issue 13): TensorBoard's writer and its event reader, as the kata's
hidden tests drive them, never open a connection nor resolve a name.

The kata runs in a fresh interpreter whose audit hook (``sys.addaudithook``, which sees every
socket operation CPython performs, from C extensions too) records and refuses every connection,
send and name lookup from the first import on: importing ``torch.utils.tensorboard`` and
TensorBoard's ``EventAccumulator``, training with the reference solution through the hidden
tests' own observation, writing the events and reading them back. The same interpreter then
tries one connection on purpose, to show the hook would have seen one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from katacheck.plugins import get_pack

SCRIPT = textwrap.dedent("""
    import json, sys

    tentativas = []
    REDE = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
            "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"}

    def vigia(evento, argumentos):
        if evento in REDE:
            tentativas.append([evento, repr(argumentos)[:200]])
            raise ConnectionRefusedError("katacheck: sem rede neste teste")

    sys.addaudithook(vigia)

    import importlib.util
    from katacheck.checks import context
    from katacheck.checks.loading import load_learner_module

    testes_path, solucao_path = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location("testes_17", testes_path)
    testes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(testes)
    context.set_learner_file(solucao_path)
    aluno = load_learner_module(solucao_path)
    execucao = testes.executar(aluno.treinar_com_tensorboard)
    pontos = execucao.eventos.get(testes.TAG, [])
    durante_a_kata = list(tentativas)

    import socket
    try:
        socket.create_connection(("192.0.2.1", 9), timeout=1)  # TEST-NET-1: never routed
    except OSError:
        pass
    print(json.dumps({"attempts": durante_a_kata, "steps": [p for p, _ in pontos],
                      "expected": testes.passos_esperados(), "probe_seen": len(tentativas) > len(durante_a_kata)}))
""")


def test_the_tensorboard_kata_writes_and_reads_its_events_without_the_network(tmp_path):
    kata = get_pack("fundamentos").get("17_tensorboard")
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(kata.tests_path), str(kata.solution_path)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["attempts"] == [], report["attempts"]
    assert report["steps"] == report["expected"] and report["steps"], "the kata ran end to end, events read back"
    assert report["probe_seen"], "the audit hook sees a connection attempt, so its silence above means none"
