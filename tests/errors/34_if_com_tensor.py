# expect: bool_ambiguous
# values: 
# fix: .any()
# catalogue: 34
"""`if` sobre um tensor com vários valores."""
import torch


def main():
    saida = torch.randn(5)
    if saida > 0:  # <- erro
        return "positivo"
    return "negativo"
