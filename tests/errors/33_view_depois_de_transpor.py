# expect: view_stride
# values: 
# fix: reshape
# catalogue: 33
"""`.view()` depois de `.t()`."""
import torch


def main():
    x = torch.randn(3, 4).t()
    return x.view(12)  # <- erro
