# expect: pass
"""Guarda X e y como listas do Python e refaz os tensores no __getitem__, com um print por item."""
import torch
from torch.utils.data import DataLoader, Dataset

class ConjuntoDeDados(Dataset):
    def __init__(self, X, y):
        self.linhas = X.tolist()
        self.alvos = y.tolist()

    def __len__(self):
        return len(self.alvos)

    def __getitem__(self, indice):
        print("item", indice)
        return torch.tensor(self.linhas[indice]), torch.tensor(self.alvos[indice])

def criar_loaders(treino, teste, batch_size=64):
    return DataLoader(treino, batch_size=batch_size, shuffle=True), DataLoader(teste, batch_size=batch_size)

