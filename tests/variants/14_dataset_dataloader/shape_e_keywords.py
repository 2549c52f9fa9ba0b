# expect: pass
from torch.utils.data import DataLoader, Dataset


class ConjuntoDeDados(Dataset):
    def __init__(self, X, y):
        assert len(X) == len(y)
        self.X, self.y = X, y

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, i):
        return (self.X[i], self.y[i])


def criar_loaders(treino, teste, batch_size=64):
    opcoes = dict(batch_size=batch_size, num_workers=0)
    train_loader = DataLoader(dataset=treino, shuffle=True, **opcoes)
    test_loader = DataLoader(dataset=teste, **opcoes)
    return train_loader, test_loader
