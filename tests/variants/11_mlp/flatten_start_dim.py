# expect: pass
"""Kata 11 — torch.flatten a partir da dimensão 1 e F.relu."""

import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = torch.flatten(x, start_dim=1)
        return self.fc2(F.relu(self.fc1(x)))
