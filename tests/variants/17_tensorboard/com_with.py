# expect: pass
"""Kata 17 — o writer num bloco with (fecha sozinho) e o passo global contado à parte."""

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter


def treinar_com_tensorboard(modelo, train_loader, pasta_logs, epocas=1, lr=0.01, a_cada=100):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    passo = 0
    with SummaryWriter(log_dir=pasta_logs) as writer:
        for epoca in range(epocas):
            for indice_lote, (data, target) in enumerate(train_loader):
                otimizador.zero_grad()
                perda = criterio(modelo(data.view(data.size(0), -1)), target)
                perda.backward()
                otimizador.step()
                if indice_lote % a_cada == 0:
                    writer.add_scalar("Loss/train", perda.item(), global_step=passo)
                passo += 1
