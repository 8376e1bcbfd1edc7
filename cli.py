"""`python cli.py ...` runs the `jixiao` command from a checkout.

The command lives in extractor/cli.py, so an installed jixiao adds no top-level module named `cli`
that could shadow, or be shadowed by, another package's.
"""

from extractor.cli import main

if __name__ == "__main__":
    main()
