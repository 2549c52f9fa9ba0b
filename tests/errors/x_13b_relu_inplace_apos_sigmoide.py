# expect: inplace_modified
# values: [8, 5] | Sigmoid | linha 16
"""`nn.ReLU(inplace=True)` depois de uma sigmoide, que guarda a própria saída para o backward."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada1 = nn.Linear(10, 5)
        self.ativacao = nn.ReLU(inplace=True)
        self.camada2 = nn.Linear(5, 1)

    def forward(self, x):
        h = torch.sigmoid(self.camada1(x))
        h = self.ativacao(h)  # <- erro
        return self.camada2(h)


def main():
    perda = Rede()(torch.randn(8, 10)).pow(2).mean()
    perda.backward()
