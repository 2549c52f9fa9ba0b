# expect: module_not_found
# values: torchvison
"""Um import com erro de digitação."""
import torch
import torchvison  # <- erro


def main():
    return torch.zeros(1)
