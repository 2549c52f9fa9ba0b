# expect: pass
"""Kata 11 — nn.LazyLinear na fc1: os pesos nascem no primeiro forward, do tamanho das imagens achatadas."""

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.LazyLinear(hidden_size)
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.flatten(1))))
