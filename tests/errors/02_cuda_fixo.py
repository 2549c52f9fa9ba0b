# expect: cuda_not_compiled
# values: 'cuda'
# catalogue: 2
# mode: no-cuda
"""'cuda' escrito fixo numa máquina sem GPU."""
import torch


def main():
    pesos = torch.zeros(3, device="cuda")  # <- erro
    return pesos
