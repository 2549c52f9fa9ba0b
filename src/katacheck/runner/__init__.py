"""Running a kata's hidden tests against a learner's file, in a child process.

``sandbox`` (parent side) starts ``child`` under a timeout and a memory cap; the child runs
pytest over the kata's hidden tests with ``child_plugin``, which streams one signed line per
check over a pipe (``channel``); ``scan`` and ``integrity`` are the layers against tampering.
Nothing in the parent imports torch.
"""
