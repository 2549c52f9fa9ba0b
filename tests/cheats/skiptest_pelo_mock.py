# expect: fatal.tampered.skip
# runtime: fatal.tampered.skip
# kata: 03_adam
"""`treinar` não treina: chama um `unittest.mock.Mock(side_effect=unittest.SkipTest(...))`, e o
`SkipTest` nasce dentro da biblioteca padrão (o `mock`), não numa linha do aprendiz. Sem proteção, o
pytest marcaria as verificações como "puladas". Quem pega: o plugin do processo filho, que procura
o arquivo do aprendiz em todo o traceback do `SkipTest` (ele passa pela chamada em `treinar`) e
acusa a linha; e, de qualquer modo, uma verificação pulada nunca conta como aprovada."""

import unittest
import unittest.mock


def treinar(modelo, X, y, epocas=100):
    unittest.mock.Mock(side_effect=unittest.SkipTest("sem tempo"))()
    return []
