# expect: judge.capstone_accuracy
# runtime: judge.capstone_accuracy
# kata: 20_depurar_treino
"""A solução de referência, mas `avaliar` devolve `nan`: o juiz comparava com
`abs(valor - esperada) > 1e-9`, falso para `nan`, e a kata passava. Quem pega: o juiz, que exige
`abs(...) <= 1e-9`; e `judge.output_gap`/`judge.step_gap`, que agora dão infinito para um `nan`
(`max(0.0, nan)` é 0.0: um passo com parâmetros `nan` batia com a referência)."""

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
            data = data.view(data.size(0), -1)
            otimizador.zero_grad()
            saida = modelo(data)
            perda = criterio(saida, target)
            perda.backward()
            otimizador.step()
            perdas.append(perda.item())
    return perdas


def avaliar(modelo, test_loader):
    modelo.eval()
    corretos, total = 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data = data.view(data.size(0), -1)
            saida = modelo(data)
            corretos += (saida.argmax(dim=1) == target).sum().item()
            total += target.size(0)
    return float("nan")


if __name__ == "__main__":
    from torch.utils.data import DataLoader, TensorDataset

    imagens, rotulos = torch.randn(512, 1, 28, 28), torch.randint(0, 10, (512,))
    imagens += rotulos.view(-1, 1, 1, 1) * 0.1  # cada classe um pouco mais clara: dá para aprender
    train_loader = DataLoader(TensorDataset(imagens[:384], rotulos[:384]), batch_size=64, shuffle=True)
    test_loader = DataLoader(TensorDataset(imagens[384:], rotulos[384:]), batch_size=64)
    modelo = MLP()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9)
    perdas = treinar(modelo, train_loader, otimizador, epocas=3)
    print(f"perda: {perdas[0]:.3f} → {perdas[-1]:.3f}   acurácia: {avaliar(modelo, test_loader):.1%}")
