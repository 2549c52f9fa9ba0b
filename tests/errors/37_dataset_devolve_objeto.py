# expect: collate_type
# values: Amostra
# fix: __getitem__
# catalogue: 37
"""O Dataset devolve um objeto próprio, não um tensor."""
from torch.utils.data import DataLoader, Dataset


class Amostra:
    def __init__(self, valor):
        self.valor = valor


class Dados(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return Amostra(i)


def main():
    for lote in DataLoader(Dados(), batch_size=2):  # <- erro
        return lote
