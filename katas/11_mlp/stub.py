"""Kata 11 — O MLP do curso para o MNIST.

Este é o MLP das notas: fc1 → ReLU → fc2. Falta ele aceitar um lote de imagens
(veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        # TODO: x chega como um lote de imagens [N, 1, 28, 28] (ou já achatado, [N, 784]).
        #       Achate cada imagem num vetor de input_size valores, mantendo o lote: [N, input_size].
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        return x


if __name__ == "__main__":
    modelo = MLP()
    imagens = torch.randn(64, 1, 28, 28)
    print(modelo(imagens).shape)  # torch.Size([64, 10])
