# expect: pass
"""Kata 11 — F.linear com os pesos das camadas e clamp(min=0) como ReLU."""

import torch
from torch import nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = torch.flatten(x, start_dim=1)
        h = F.linear(x, self.fc1.weight, self.fc1.bias).clamp(min=0)
        return F.linear(h, self.fc2.weight, self.fc2.bias)
