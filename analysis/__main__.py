"""``python -m analysis``: see :mod:`analysis.cli`."""

from .cli import exit_now, main

if __name__ == "__main__":  # not when a spawned worker process imports this module as __mp_main__
    exit_now(main())
