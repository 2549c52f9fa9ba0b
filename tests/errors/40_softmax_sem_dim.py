# expect: softmax_dim
# values: softmax
# fix: dim=1
# catalogue: 40
# mode: warning
"""`F.softmax` sem `dim`."""
import torch
import torch.nn.functional as F


def main():
    logits = torch.randn(4, 3)
    return F.softmax(logits)  # <- erro
