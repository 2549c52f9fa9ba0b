# expect: call_missing
# values: treinar | `lr`
"""A verificação chama `treinar(modelo, X, y)`, mas a função pede mais um argumento obrigatório."""


def treinar(modelo, X, y, lr):
    return []


def main():
    return treinar(None, None, y=None)  # <- erro
