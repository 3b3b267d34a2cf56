"""Run every benchmark: ``python -m bench``."""

from bench import end_to_end, engine, export, isolation, memory, startup, store_scale, understanding, web

if __name__ == "__main__":
    startup.main()
    engine.main()
    understanding.main([])
    memory.main()
    store_scale.main()
    export.main()
    isolation.main()
    web.main([])
    end_to_end.main([])
    peers = ",".join(("ours", "echo", *end_to_end.PEERS))
    end_to_end.main(["--routing", "--bots", peers, "--people", "1,100", "--open-seconds", "0"])
