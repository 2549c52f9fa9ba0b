"""Running a kata's hidden tests against a learner's file: the one facade the rest of katacheck uses.

The folders say which process each piece of code runs in:

- ``parent/``: the ``katacheck`` command itself (and plain ``pytest`` in a workspace). It never
  imports torch and never runs anything from the workspace. ``workermanage`` keeps the warm
  workers, ``dsession`` schedules kata runs on them and decides each verdict from the evidence
  the run left, ``scan`` reads the learner's source before anything runs.
- ``worker/``: a warm process that imported torch, pytest and the child side once, and forks one
  fresh kata child per run. It never runs learner code, nor a tensor operation.
- ``child/``: the forked kata child, next to learner code: limits, the pytest session over the
  hidden tests, the tripwire and the audit hook.
- ``channel``: the signed results pipe between a child and the parent (both ends).

The parent's callers use one facade, :mod:`katacheck.runner.parent`: :func:`run_kata` (always
returns a result), :func:`run_katas` (several at once, in order), :func:`warm_up` (start workers
early, so their imports overlap the caller's own work), :func:`stop_running` (Ctrl-C) and
:func:`shutdown`. This package itself imports nothing: the worker and the child load it too.
"""
