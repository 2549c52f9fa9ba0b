# expect: tensorboard_values
"""Kata 17 — a média das perdas desde o começo da época, no lugar da perda do lote."""

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter


def treinar_com_tensorboard(modelo, train_loader, pasta_logs, epocas=1, lr=0.01, a_cada=100):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    writer = SummaryWriter(pasta_logs)
    for epoca in range(epocas):
        soma = 0.0
        for indice_lote, (data, target) in enumerate(train_loader):
            data = data.view(data.size(0), -1)
            otimizador.zero_grad()
            perda = criterio(modelo(data), target)
            perda.backward()
            otimizador.step()
            soma += perda.item()
            if indice_lote % a_cada == 0:
                writer.add_scalar("Loss/train", soma / (indice_lote + 1), epoca * len(train_loader) + indice_lote)
    writer.close()
