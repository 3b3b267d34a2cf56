"""Run every benchmark: ``python -m bench``."""

from bench import engine, export, memory, startup

if __name__ == "__main__":
    startup.main()
    engine.main()
    memory.main()
    export.main()
