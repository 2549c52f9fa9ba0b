from torch import nn


class Classificador(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada = nn.Linear(4, 3)

    def forward(self, x):
        return self.camada(x)
