# expect: cuda_numpy
# values: cuda:0
# catalogue: 3
# mode: cuda
"""`.numpy()` num tensor que está na GPU."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(4, 2).to("cuda")
    saida = modelo(torch.randn(3, 4).to("cuda"))
    return saida.detach().numpy()  # <- erro
