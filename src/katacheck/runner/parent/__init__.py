"""The parent side: the ``katacheck`` command's own process, which never imports torch and never
runs workspace code. ``workermanage`` keeps the warm workers, ``dsession`` runs katas on them
and decides each verdict, ``scan`` reads learner sources, ``collect`` is plain pytest's plugin.
"""
