# expect: pass
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, SequentialSampler


class ConjuntoDeDados(Dataset):
    """Guarda os pares já prontos."""

    def __init__(self, X, y):
        self.pares = list(zip(X, y))

    def __len__(self):
        return len(self.pares)

    def __getitem__(self, indice):
        x, alvo = self.pares[indice]
        return x, alvo


def criar_loaders(treino, teste, batch_size=64):
    return (DataLoader(treino, batch_size=batch_size, sampler=RandomSampler(treino)),
            DataLoader(teste, batch_size=batch_size, sampler=SequentialSampler(teste)))
