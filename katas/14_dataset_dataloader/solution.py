"""Kata 14 — Dataset e DataLoader (solução de referência)."""

import torch
from torch.utils.data import DataLoader, Dataset


class ConjuntoDeDados(Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, indice):
        return self.X[indice], self.y[indice]


def criar_loaders(treino, teste, batch_size=64):
    train_loader = DataLoader(treino, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(teste, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader


if __name__ == "__main__":
    X, y = torch.randn(100, 3), torch.arange(100)
    train_loader, test_loader = criar_loaders(ConjuntoDeDados(X[:80], y[:80]), ConjuntoDeDados(X[80:], y[80:]), 16)
    for epoca in range(2):
        print(f"época {epoca}: primeiro lote de treino {next(iter(train_loader))[1].tolist()}")
    print("lotes de teste:", [len(yb) for _, yb in test_loader])
