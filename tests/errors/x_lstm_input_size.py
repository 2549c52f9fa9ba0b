# expect: rnn_input_size
# values: 4 | 5
"""LSTM com `input_size` diferente dos valores de cada passo."""
import torch
from torch import nn


def main():
    lstm = nn.LSTM(input_size=4, hidden_size=8)
    return lstm(torch.randn(2, 3, 5))  # <- erro
