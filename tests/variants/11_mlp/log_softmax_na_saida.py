# expect: logits_softmax
"""Kata 11 — devolve log-probabilidades, como para uma NLLLoss."""

import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = self.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)
