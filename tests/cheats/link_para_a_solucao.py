# expect: fatal.learner_file.symlink
# runtime: fatal.learner_file.symlink
# kata: 02_relu
# link: solution
"""O arquivo da kata não é um arquivo: é um link simbólico para a solução de referência instalada
com o katacheck (o conteúdo deste arquivo do corpus nem é usado). Quem pega: o pai, antes de
qualquer coisa rodar: só um arquivo regular dentro da entrega é o trabalho do aprendiz
(`fatal.learner_file.symlink`)."""
