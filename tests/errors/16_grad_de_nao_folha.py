# expect: nonleaf_grad
# values: 
# catalogue: 16
# mode: warning
"""`* 2` depois do `requires_grad=True`: x não é mais folha, e x.grad fica None."""
import torch


def main():
    x = torch.randn(3, requires_grad=True) * 2
    (x ** 2).sum().backward()
    return x.grad  # <- erro
