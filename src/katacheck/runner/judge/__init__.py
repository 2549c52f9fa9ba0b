"""The judge process: forked from the warm worker like a kata child, it never runs learner code.

It reads the evidence a kata child sent (on stdin, from the parent), runs the kata's
``judge.py`` over it (:mod:`katacheck.judge`) and sends back what it found, over its own signed
channel. See :mod:`katacheck.runner.judge.main`.
"""
