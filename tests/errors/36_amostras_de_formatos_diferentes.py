# expect: collate_stack
# values: [3, 8, 8] | [1, 8, 8]
# catalogue: 36
"""Um Dataset que mistura imagens RGB e em tons de cinza."""
import torch
from torch.utils.data import DataLoader, Dataset


class Imagens(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        canais = 3 if i % 2 == 0 else 1
        return torch.randn(canais, 8, 8)


def main():
    for lote in DataLoader(Imagens(), batch_size=2):  # <- erro
        return lote
