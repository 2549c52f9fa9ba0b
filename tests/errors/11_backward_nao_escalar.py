# expect: grad_not_scalar
# values: [8, 1]
# catalogue: 11
"""`reduction="none"`: a perda é um vetor, não um escalar."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(3, 1)
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    perda = nn.MSELoss(reduction="none")(modelo(X), y)
    perda.backward()  # <- erro
