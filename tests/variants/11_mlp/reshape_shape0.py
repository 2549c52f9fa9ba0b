# expect: pass
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        lote = x.shape[0]
        x = x.reshape(lote, -1)
        x = torch.relu(self.fc1(x))
        return self.fc2(x)
