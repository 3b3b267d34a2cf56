"""Run every benchmark: ``python -m bench``."""

from bench import end_to_end, engine, export, isolation, memory, startup, store_scale

if __name__ == "__main__":
    startup.main()
    engine.main()
    memory.main()
    store_scale.main()
    export.main()
    isolation.main()
    end_to_end.main([])
