"""The warm worker process: torch, pytest and the child side imported once, one fork per kata run
(:mod:`katacheck.runner.worker.forkserver`)."""
