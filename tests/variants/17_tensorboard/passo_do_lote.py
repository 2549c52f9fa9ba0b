# expect: tensorboard_steps_repeat
"""Kata 17 — o bug clássico: o passo global é o índice do lote, que recomeça a cada época."""

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter


def treinar_com_tensorboard(modelo, train_loader, pasta_logs, epocas=1, lr=0.01, a_cada=100):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    writer = SummaryWriter(pasta_logs)
    for epoca in range(epocas):
        for batch_idx, (data, target) in enumerate(train_loader):
            data = data.view(data.size(0), -1)
            otimizador.zero_grad()
            loss = criterio(modelo(data), target)
            loss.backward()
            otimizador.step()
            if batch_idx % a_cada == 0:
                writer.add_scalar("Loss/train", loss.item(), batch_idx)
    writer.close()
