# expect: pass
"""modelo.zero_grad(set_to_none=True), torch.flatten, e avaliar com @torch.no_grad(), train(False) e torch.cat das previsões."""

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
            data = torch.flatten(data, start_dim=1)
            modelo.zero_grad(set_to_none=True)
            saida = modelo(data)
            perda = criterio(saida, target)
            perda.backward()
            otimizador.step()
            perdas.append(perda.item())
    return perdas


@torch.no_grad()
def avaliar(modelo, test_loader):
    modelo.train(False)
    previstos = torch.cat([modelo(x.reshape(len(x), -1)).argmax(1) for x, _ in test_loader])
    alvos = torch.cat([y for _, y in test_loader])
    return float((previstos == alvos).double().mean())

