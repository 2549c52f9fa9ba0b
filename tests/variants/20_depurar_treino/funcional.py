# expect: pass
"""Kata 20 — F.cross_entropy, torch.flatten, modelo.zero_grad() e inference_mode."""

import torch
import torch.nn.functional as F


def treinar(modelo, train_loader, otimizador, epocas=1):
    perdas = []
    for epoca in range(epocas):
        modelo.train()
        for imagens, rotulos in train_loader:
            modelo.zero_grad()
            logits = modelo(torch.flatten(imagens, start_dim=1))
            perda = F.cross_entropy(logits, rotulos)
            perda.backward()
            otimizador.step()
            perdas.append(float(perda))
    return perdas


def avaliar(modelo, test_loader):
    modelo.eval()
    acertos = 0
    with torch.inference_mode():
        for imagens, rotulos in test_loader:
            previstos = modelo(torch.flatten(imagens, 1)).argmax(dim=1)
            acertos += int((previstos == rotulos).sum())
    return acertos / len(test_loader.dataset)
