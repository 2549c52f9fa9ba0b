# expect: pass
"""Depois do step, calcula a acurácia do lote com um forward sob no_grad e escreve a perda e a acurácia."""

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
                with torch.no_grad():
                    acerto = (modelo(data).argmax(dim=1) == target).float().mean().item()
                passo = epoca * len(train_loader) + indice_lote
                writer.add_scalar("Loss/train", perda.item(), passo)
                writer.add_scalar("Accuracy/train", acerto, passo)
    writer.close()

