# expect: mnist_device_none_cpu
"""treinar_mnist e acuracia trocam dispositivo=None pela GPU quando há uma: com o modelo na CPU, os lotes vão para a GPU."""

import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def carregar_mnist(raiz, batch_size=64):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    train_dataset = datasets.MNIST(raiz, train=True, download=True, transform=transform)
    test_dataset = datasets.MNIST(raiz, train=False, download=True, transform=transform)
    train_loader = DataLoader(train_dataset, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(test_dataset, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader


def treinar_mnist(modelo, train_loader, epocas=1, lr=0.01, dispositivo=None):
    if dispositivo is None:
        dispositivo = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    modelo.train()
    for epoca in range(epocas):
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.view(data.size(0), -1).to(dispositivo), target.to(dispositivo)
            otimizador.zero_grad()
            output = modelo(data)
            loss = criterio(output, target)
            loss.backward()
            otimizador.step()
            perdas.append(loss.item())
    return perdas


def acuracia(modelo, test_loader, dispositivo=None):
    if dispositivo is None:
        dispositivo = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    modelo.eval()
    corretos, total = 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.view(data.size(0), -1).to(dispositivo), target.to(dispositivo)
            previsto = modelo(data).argmax(dim=1)
            corretos += (previsto == target).sum().item()
            total += target.size(0)
    return corretos / total
