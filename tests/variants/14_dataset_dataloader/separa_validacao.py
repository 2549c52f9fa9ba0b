# expect: loader_lost_examples
"""Separa 20% do treino para validação com random_split: o loader de treino perde exemplos."""
import torch
from torch.utils.data import DataLoader, Dataset, random_split


class ConjuntoDeDados(Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, indice):
        return self.X[indice], self.y[indice]


def criar_loaders(treino, teste, batch_size=64):
    # separa 20% do treino para validação
    n_val = len(treino) // 5
    treino_menor, _validacao = random_split(treino, [len(treino) - n_val, n_val])
    train_loader = DataLoader(treino_menor, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(teste, batch_size=batch_size)
    return train_loader, test_loader
