"""`python -m opnote_check` runs the command line, like the `opnote-check` script."""

from .cli import main

if __name__ == "__main__":
    main()
