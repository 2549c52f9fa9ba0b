# expect: pass
"""O __getitem__ devolve o alvo como int, self.y[indice].item(), como os rótulos do torchvision."""

import torch
from torch.utils.data import DataLoader, Dataset


class ConjuntoDeDados(Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, indice):
        return self.X[indice], self.y[indice].item()


def criar_loaders(treino, teste, batch_size=64):
    train_loader = DataLoader(treino, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(teste, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader

