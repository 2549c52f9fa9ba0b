# expect: linear_count
# runtime: linear_count
# kata: 01_duas_camadas
# pyc: solution
"""O arquivo da kata é o esboço, mas ao lado dele há um `__pycache__/01_duas_camadas.cpython-*.pyc`
com a solução de referência compilada e marcada como "hash não verificado" (o Python o usa sem
nem olhar o código-fonte, e ele sobrevive a um `git clone`). Sem proteção, o carregador de sempre
do Python rodaria a solução no lugar do esboço, e a kata passaria. Quem pega: o carregador do
katacheck no processo filho, que compila o código-fonte que a varredura leu e nunca lê (nem grava)
bytecode: o esboço roda, e a kata falha pelo motivo de verdade."""

from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)
