"""Run every benchmark: ``python -m bench``."""

from bench import engine, export, memory, startup, store_scale

if __name__ == "__main__":
    startup.main()
    engine.main()
    memory.main()
    store_scale.main()
    export.main()
