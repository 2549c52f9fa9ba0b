# expect: pass
import torch
import torch.nn as nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada: int = 10, n_oculta: int = 5, n_saida: int = 1):
        super(DuasCamadas, self).__init__()
        self.oculta = nn.Linear(in_features=n_entrada, out_features=n_oculta)
        self.saida = nn.Linear(in_features=n_oculta, out_features=n_saida)

    def forward(self, entrada):
        return self.saida(self.oculta(entrada))


if __name__ == "__main__":
    print(DuasCamadas()(torch.randn(4, 10)).shape)
