# expect: loader_default_batch_size
"""A assinatura tem batch_size=32 como padrão, e não 64."""

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


def criar_loaders(treino, teste, batch_size=32):
    train_loader = DataLoader(treino, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(teste, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader

