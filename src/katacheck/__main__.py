"""``python -m katacheck`` is the same as the ``katacheck`` command."""

from katacheck.cli import main

if __name__ == "__main__":
    main()
