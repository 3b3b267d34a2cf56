"""Run every benchmark: ``python -m bench``."""

from bench import export

if __name__ == "__main__":
    export.main()
