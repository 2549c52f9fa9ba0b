"""Kata 13 — SGD com momentum, à mão (solução de referência)."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    with torch.no_grad():
        if not velocidades:
            velocidades.extend(torch.zeros_like(p) for p in parametros)
        for p, v in zip(parametros, velocidades):
            v.mul_(momentum).add_(p.grad).add_(p, alpha=weight_decay)
            p -= lr * v


def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)


if __name__ == "__main__":
    torch.manual_seed(0)
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    modelo = SimpleLinearModel()
    criterio = nn.MSELoss()
    parametros = list(modelo.parameters())
    velocidades = []
    for epoca in range(100):
        modelo.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        passo_sgd(parametros, velocidades, lr=0.01)
    print(f"perda final: {perda.item():.4f}")
