# expect: pass
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

TRANSFORMACAO = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(mean=(0.5,), std=(0.5,)),
])


def carregar_mnist(raiz, batch_size=64):
    loaders = []
    for treino in (True, False):
        conjunto = datasets.MNIST(root=raiz, train=treino, download=True, transform=TRANSFORMACAO)
        loaders.append(DataLoader(conjunto, batch_size=batch_size, shuffle=treino))
    return tuple(loaders)


def _dispositivo(modelo, dispositivo):
    return dispositivo if dispositivo is not None else next(modelo.parameters()).device


def treinar_mnist(modelo, train_loader, epocas=1, lr=0.01, dispositivo=None):
    dispositivo = _dispositivo(modelo, dispositivo)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    historico = []
    for _ in range(epocas):
        modelo.train()
        for imagens, rotulos in train_loader:
            imagens = torch.flatten(imagens, start_dim=1).to(dispositivo)
            rotulos = rotulos.to(dispositivo)
            otimizador.zero_grad()
            perda = F.cross_entropy(modelo(imagens), rotulos)
            perda.backward()
            otimizador.step()
            historico.append(float(perda))
    return historico


@torch.inference_mode()
def acuracia(modelo, test_loader, dispositivo=None):
    dispositivo = _dispositivo(modelo, dispositivo)
    modelo.eval()
    acertos = sum(int((modelo(x.flatten(1).to(dispositivo)).argmax(1) == y.to(dispositivo)).sum())
                  for x, y in test_loader)
    return acertos / len(test_loader.dataset)
