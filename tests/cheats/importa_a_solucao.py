# expect: fatal.tampered.import
# runtime: fatal.tampered.import
# kata: 01_duas_camadas
"""Procura a solução de referência no disco (`katas/01_duas_camadas/solution.py` dentro do
pacote instalado, ou ao lado de `src/` num checkout, a partir das pastas do `sys.path`) e a carrega
pelo caminho com `importlib.util.spec_from_file_location`, que nenhum buscador de módulos vê. No
`katacheck verify` o pacote instalado é legível pelo aprendiz, por projeto (ver o README): o que se
garante é que a solução não roda como se fosse dele. Quem pega: o gancho de auditoria do processo
filho, que vê o código de um arquivo da pasta da kata prestes a rodar a pedido do aprendiz."""

import importlib.util
import pathlib
import sys

for _raiz in map(pathlib.Path, sys.path):
    for _candidato in (_raiz / "katacheck" / "katas", _raiz.parent / "katas"):
        _caminho = _candidato / "01_duas_camadas" / "solution.py"
        if _caminho.is_file():
            _especificacao = importlib.util.spec_from_file_location("referencia", _caminho)
            _referencia = importlib.util.module_from_spec(_especificacao)
            _especificacao.loader.exec_module(_referencia)
            DuasCamadas = _referencia.DuasCamadas
