"""Kata 14 — Dataset e DataLoader.

O conjunto de dados ainda não entrega o par que o DataLoader espera, e nenhum loader
embaralha (veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch.utils.data import DataLoader, Dataset


class ConjuntoDeDados(Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, indice):
        # TODO: cada item é um exemplo inteiro: a entrada e o alvo dele.
        return self.X[indice]


def criar_loaders(treino, teste, batch_size=64):
    # TODO: qual dos dois loaders precisa embaralhar a cada época?
    train_loader = DataLoader(treino, batch_size=batch_size)
    test_loader = DataLoader(teste, batch_size=batch_size)
    return train_loader, test_loader


if __name__ == "__main__":
    X, y = torch.randn(100, 3), torch.arange(100)
    train_loader, test_loader = criar_loaders(ConjuntoDeDados(X[:80], y[:80]), ConjuntoDeDados(X[80:], y[80:]), 16)
    for epoca in range(2):
        print(f"época {epoca}: primeiro lote de treino {next(iter(train_loader))[1].tolist()}")
    print("lotes de teste:", [len(yb) for _, yb in test_loader])
