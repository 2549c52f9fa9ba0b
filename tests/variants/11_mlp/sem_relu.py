# expect: relu_missing
"""Kata 11 — duas camadas seguidas, sem a ReLU no meio."""

from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.fc2(self.fc1(x))
