# expect: inplace_modified
# values: [8, 5] | Relu | linha 16
# catalogue: 13
"""`h += 0.1` modifica a saída da ReLU, que o autograd guardou para o backward."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada1 = nn.Linear(10, 5)
        self.camada2 = nn.Linear(5, 1)

    def forward(self, x):
        h = torch.relu(self.camada1(x))
        h += 0.1  # <- erro
        return self.camada2(h)


def main():
    modelo = Rede()
    perda = modelo(torch.randn(8, 10)).pow(2).mean()
    perda.backward()
