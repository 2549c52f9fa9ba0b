# expect: dataset_item
"""O __getitem__ devolve o índice como alvo, torch.tensor(indice), em vez de y[indice]."""
import torch
from torch.utils.data import DataLoader, Dataset

class ConjuntoDeDados(Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, indice):
        return self.X[indice], torch.tensor(indice)

def criar_loaders(treino, teste, batch_size=64):
    return DataLoader(treino, batch_size=batch_size, shuffle=True), DataLoader(teste, batch_size=batch_size)

