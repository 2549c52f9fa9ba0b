# expect: pass
"""Kata 17 — F.cross_entropy, torch.flatten e a perda escrita antes do backward."""

import torch
import torch.nn.functional as F
from torch.utils.tensorboard import SummaryWriter


def treinar_com_tensorboard(modelo, train_loader, pasta_logs, epocas=1, lr=0.01, a_cada=100):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    writer = SummaryWriter(pasta_logs)
    lotes = len(train_loader)
    for epoca in range(epocas):
        for i, (imagens, rotulos) in enumerate(train_loader):
            logits = modelo(torch.flatten(imagens, start_dim=1))
            perda = F.cross_entropy(logits, rotulos)
            if i % a_cada == 0:
                writer.add_scalar("Loss/train", perda.item(), epoca * lotes + i)
            otimizador.zero_grad()
            perda.backward()
            otimizador.step()
    writer.flush()
    writer.close()
