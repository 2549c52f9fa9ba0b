# expect: pass
"""Fecha o writer no fim de cada época: o SummaryWriter reabre sozinho e o último close fecha tudo."""

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter


def treinar_com_tensorboard(modelo, train_loader, pasta_logs, epocas=1, lr=0.01, a_cada=100):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    writer = SummaryWriter(pasta_logs)
    modelo.train()
    for epoca in range(epocas):
        for indice_lote, (data, target) in enumerate(train_loader):
            data = data.view(data.size(0), -1)
            otimizador.zero_grad()
            saida = modelo(data)
            perda = criterio(saida, target)
            perda.backward()
            otimizador.step()
            if indice_lote % a_cada == 0:
                writer.add_scalar("Loss/train", perda.item(), epoca * len(train_loader) + indice_lote)
        writer.close()

