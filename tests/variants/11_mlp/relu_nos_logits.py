# expect: activation_after_output
"""Kata 11 — uma ReLU também nos logits, na mesma linha da outra: apontada depois da última camada, não antes da primeira."""

import torch
from torch import nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return torch.relu(self.fc2(torch.relu(self.fc1(x))))
