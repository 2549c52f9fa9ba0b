# expect: state_dict
# values: Linear
"""Pesos salvos de outra arquitetura."""
from torch import nn


def main():
    salvo = nn.Linear(3, 2).state_dict()
    modelo = nn.Linear(2, 2)
    modelo.load_state_dict(salvo)  # <- erro
