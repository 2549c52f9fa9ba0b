"""Kata 10 — Validação com eval() e no_grad().

O laço treina e valida a cada época, mas o modelo nunca muda de modo
(veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, output_size=1):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.bn = nn.BatchNorm1d(hidden_size)
        self.dropout = nn.Dropout(0.3)
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = torch.relu(self.bn(self.fc1(x)))
        return self.fc2(self.dropout(x))


def avaliar(modelo, X, y, criterio):
    # TODO: a validação mede o modelo sem Dropout nem estatísticas do lote, e sem montar grafo.
    saida = modelo(X)
    perda = criterio(saida, y)
    return perda.item()


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas_treino, perdas_val = [], []
    for epoca in range(epocas):
        # TODO: em que modo o modelo precisa estar para treinar?
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        otimizador.step()
        perdas_treino.append(perda.item())
        perdas_val.append(avaliar(modelo, X_val, y_val, criterio))
    return perdas_treino, perdas_val


if __name__ == "__main__":
    X = torch.randn(96, 10)
    y = X.sum(dim=1, keepdim=True)
    treino, val = treinar_e_avaliar(MLP(), X[:64], y[:64], X[64:], y[64:])
    print(f"treino: {treino[0]:.3f} → {treino[-1]:.3f}   validação: {val[0]:.3f} → {val[-1]:.3f}")
