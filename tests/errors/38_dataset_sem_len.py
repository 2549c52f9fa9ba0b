# expect: dataset_no_len
# values: MeuDataset | __len__
# catalogue: 38
"""Um Dataset sem `__len__`."""
import torch
from torch.utils.data import DataLoader, Dataset


class MeuDataset(Dataset):
    def __getitem__(self, i):
        return torch.randn(2)


def main():
    carregador = DataLoader(MeuDataset(), batch_size=2, shuffle=True)  # <- erro
    for lote in carregador:
        return lote
