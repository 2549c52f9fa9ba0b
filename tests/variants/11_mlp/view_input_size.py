# expect: pass
"""Kata 11 — como nas notas, x.view(-1, ...), mas com o input_size guardado em vez de 784."""

from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.input_size = input_size
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = x.view(-1, self.input_size)
        out = self.fc1(x)
        out = self.relu(out)
        out = self.fc2(out)
        return out
