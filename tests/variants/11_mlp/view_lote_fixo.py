# expect: flatten_fixed_shape
"""Kata 11 — o tamanho do lote escrito no código: x.view(64, 784)."""

from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = x.view(64, 784)
        x = self.relu(self.fc1(x))
        return self.fc2(x)
