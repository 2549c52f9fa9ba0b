# expect: graph_layer_cut
"""Kata 11 — .detach() na saída da fc1: os logits saem certos, mas o backward() nunca chega à fc1."""

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
        h = self.fc1(x).detach()
        return self.fc2(torch.relu(h))
