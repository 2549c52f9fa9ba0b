# expect: call_keyword
# values: treinar | epocas
"""A função renomeou o parâmetro que a verificação passa por nome."""


def treinar(modelo, X, y, n_epocas=100):
    return []


def main():
    return treinar(None, None, None, epocas=5)  # <- erro
