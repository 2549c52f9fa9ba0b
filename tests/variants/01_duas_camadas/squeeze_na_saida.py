# expect: output_shape
"""squeeze(-1) na saída: [N] em vez de [N, 1]; o teste de aprendizado dizia para conferir o otimizador, que é dos testes."""
import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        return self.camada2(self.camada1(x)).squeeze(-1)
