# expect: fatal.tampered.kill
# runtime: fatal.tampered.kill
# kata: 01_duas_camadas
"""Tenta mandar um sinal ao processo do katacheck (o pai) antes que ele leia os resultados.

Quem trapaceia mandaria SIGKILL; aqui vai SIGCONT, inofensivo, para que uma regressão na
proteção não derrube a suíte de testes: o gancho de auditoria barra `os.kill` seja qual for o
sinal.
"""

import os
import signal

os.kill(os.getppid(), signal.SIGCONT)
