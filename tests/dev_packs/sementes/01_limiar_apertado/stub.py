from torch import nn


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada = nn.Linear(3, 1)

    def forward(self, x):
        # TODO: devolva a saída da camada, não zeros
        return self.camada(x) * 0
