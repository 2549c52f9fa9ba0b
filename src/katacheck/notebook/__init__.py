"""katacheck in Jupyter and Google Colab.

- :mod:`.magics`: ``%load_ext katacheck`` registers ``%%katacheck KATA`` and ``%katacheck ...``
  (the only module that imports IPython, and only when the extension is loaded);
- :mod:`.place`: where a notebook's workspace is;
- :mod:`.course`: the course notebook ``katacheck init --notebook`` writes, and the kata cells
  ``katacheck grade`` reads from an ``.ipynb`` submission (plain JSON: no IPython needed).
"""
