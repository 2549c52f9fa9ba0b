"""Kata 12 — Classificar com nn.CrossEntropyLoss.

Este é o laço de treino do curso, ainda com a perda da regressão. Faça dele o treino de um
classificador (veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=2, hidden_size=16, output_size=3):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    # TODO: a MSELoss mede distâncias entre números; para classes, troque-a pela perda de
    #       classificação, que recebe os logits crus e os rótulos inteiros.
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, rotulos)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def prever(modelo, X):
    modelo.eval()
    with torch.no_grad():
        saida = modelo(X)
    # TODO: `saida` tem uma pontuação por classe em cada linha. Devolva a classe prevista de
    #       cada ponto: um tensor int64 de formato [N].
    return saida


if __name__ == "__main__":
    X = torch.randn(300, 2)
    rotulos = (X[:, 0] > 0).long() + (X[:, 1] > 0).long()  # três classes: 0, 1 e 2
    modelo = MLP()
    perdas = treinar_classificador(modelo, X, rotulos)
    acerto = (prever(modelo, X) == rotulos).float().mean()
    print(f"perda: {perdas[0]:.3f} → {perdas[-1]:.3f}; acerto: {acerto:.0%}")
