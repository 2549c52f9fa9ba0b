# expect: device_mismatch
# values: cuda:0 | cpu
# catalogue: 1
# mode: cuda
"""O modelo foi para a GPU; as entradas ficaram na CPU (`.to()` sem reatribuir)."""
import torch
from torch import nn


def main():
    dispositivo = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    modelo = nn.Linear(10, 1).to(dispositivo)
    X = torch.randn(8, 10)
    X.to(dispositivo)
    return modelo(X)  # <- erro
