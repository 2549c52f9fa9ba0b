"""The kata child: forked from the worker, it runs the hidden tests next to learner code.

``main`` limits the process and runs pytest; ``plugin`` is that session's only plugin (the
``learner`` fixture, one signed event per step); ``integrity`` is the tripwire and audit hook
against tampering. Nothing here may import the parent side.
"""
