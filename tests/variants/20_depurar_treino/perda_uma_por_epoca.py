# expect: capstone_history_count
"""O append da perda ficou fora do laço dos lotes: uma perda por época."""

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, input_size=784, hidden_size=128, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = x.view(-1, 784)  # 28 × 28 = 784 pixels por imagem
        return self.fc2(self.relu(self.fc1(x)))


def treinar(modelo, train_loader, otimizador, epocas=1):
    criterio = nn.CrossEntropyLoss()
    perdas = []
    modelo.train()
    for epoca in range(epocas):
        for data, target in train_loader:
            data = data.view(data.size(0), -1)
            otimizador.zero_grad()
            saida = modelo(data)
            perda = criterio(saida, target)
            perda.backward()
            otimizador.step()
        perdas.append(perda.item())
    return perdas


def avaliar(modelo, test_loader):
    modelo.eval()
    corretos, total = 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data = data.view(data.size(0), -1)
            saida = modelo(data)
            corretos += (saida.argmax(dim=1) == target).sum().item()
            total += target.size(0)
    return corretos / total

