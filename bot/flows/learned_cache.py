"""The understanding's learned tables kept in the data folder, so a start does not learn them again.

The file is a header, an HMAC-SHA256 of the rest (keyed with a secret the caller derives from the identity
key) and the rest: a fingerprint of every file in content/understanding/, the folder's path and the code
that reads and learns it, then the lexicon and the tables as marshal data (never pickle). Nothing is
unmarshalled before the HMAC is checked; a cache that is absent, stale, not authentic or unreadable is
learned again and written anew (atomically, mode 0600), with one log line saying which. The bot learns in a
child process (``learn_apart``: ``python -m bot.flows.learned_cache FOLDER``), so scikit-learn, which the
linear models need while learning, never stays in the bot's memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import marshal
import os
import subprocess
import sys
from pathlib import Path

from bot.engine import (
    classifier,
    learned,
    lexicon,
    lexicon_data,
    linear,
    phrases,
    reading,
    spelling,
    understanding,
    words,
)
from bot.engine.learned import Tables
from bot.engine.lexicon_data import lexicon_data as as_data
from bot.engine.lexicon_data import lexicon_from_data
from bot.engine.understanding import Understanding
from bot.flows import lexicon_files, yaml_source

log = logging.getLogger(__name__)
FILE = "understanding.cache"
MAGIC = b"bot understanding cache 1\n"
LEARNING_TIME = 300  # seconds: learning takes about 3 s; a child that takes a hundred times that is stuck
DIGEST = 32  # bytes of an HMAC-SHA256 and of a SHA-256
# The code that reads and learns what the cache holds: a change to any of it makes the cache stale.
CODE = (classifier, learned, lexicon, lexicon_data, linear, phrases, reading, spelling, understanding, words)
CODE_TOO = (lexicon_files, yaml_source)


def fingerprint(directory: Path) -> bytes:
    """Return a hash of every file in a content/understanding/ folder, its path and the code that learns it."""
    digest = hashlib.sha256(f"{sys.version_info[:2]} {sys.byteorder} {directory.resolve()}".encode())
    sources = [Path(str(m.__file__)) for m in (*CODE, *CODE_TOO)] + [Path(__file__)]
    for path in [*sources, *sorted(p for p in directory.rglob("*") if p.is_file())]:
        content = path.read_bytes()
        digest.update(f"\0{path.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.digest()


class LearnedCache:
    """The cache file in one folder, authenticated with one secret."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.path = folder / FILE
        self._secret = secret

    def load(self, directory: Path) -> Understanding | None:
        """Return the understanding learned before from this content/understanding/ folder, or None."""
        try:
            kept = self.path.read_bytes()
            expected = fingerprint(directory)
        except FileNotFoundError:
            log.info("no understanding cache yet: learning from the content")
            return None
        except OSError as error:
            log.warning("the understanding cache could not be read (%s): learning again", type(error).__name__)
            return None
        found, why = self._opened(kept, expected)
        if found is None:
            log.warning("the understanding cache is %s: learning again", why)
        return found

    def _opened(self, kept: bytes, expected: bytes) -> tuple[Understanding | None, str]:
        """Return the understanding in a cache file's bytes, or None and why not."""
        mac, body = kept[len(MAGIC) : len(MAGIC) + DIGEST], kept[len(MAGIC) + DIGEST :]
        if not kept.startswith(MAGIC) or not hmac.compare_digest(mac, self._mac(body)):
            return None, "not authentic"
        if body[:DIGEST] != expected:
            return None, "stale"
        try:  # authentic: written by this server, so only a fault of ours can fail here
            data, tables = marshal.loads(body[DIGEST:])
            return Understanding(lexicon_from_data(data), Tables(*tables)), ""
        except (ValueError, TypeError, EOFError, KeyError, IndexError):
            return None, "unreadable"

    def save(self, directory: Path, learnt: Understanding, seen: bytes | None = None) -> None:
        """Keep what an understanding learned from this folder (``seen``: its fingerprint before it was read),
        replacing the file in one step."""
        data = marshal.dumps((as_data(learnt.lexicon), tuple(learnt.tables())))
        temporary = self.path.with_name(f".{FILE}.{os.getpid()}")
        try:
            body = (seen or fingerprint(directory)) + data
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(MAGIC + self._mac(body) + body)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            log.warning("the understanding cache could not be written (%s)", type(error).__name__)
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self._secret, body, hashlib.sha256).digest()


def learn_apart(directory: Path) -> tuple[Understanding, bytes] | None:
    """Learn from a content/understanding/ folder in a child process; return the understanding and the
    folder's fingerprint before the child read it, or None (then learn here: that also reports problems)."""
    command = [sys.executable, "-m", __name__, str(directory)]
    try:
        done = subprocess.run(command, capture_output=True, check=True, timeout=LEARNING_TIME)
        learnt = marshal.loads(done.stdout)
        if learnt is None:
            log.info("the understanding's content has problems: learning here, to report them")
            return None
        seen, data, tables = learnt
        return Understanding(lexicon_from_data(data), Tables(*tables)), seen
    except (OSError, subprocess.SubprocessError, ValueError, EOFError, TypeError, KeyError, IndexError) as error:
        log.warning("learning in a child process failed (%s): learning here", type(error).__name__)
        return None


def main(argv: list[str]) -> None:
    """Learn from the content/understanding/ folder named; write its fingerprint, lexicon and tables as marshal
    data to standard output (None when the folder has problems)."""
    directory = Path(argv[0])
    seen = fingerprint(directory)  # before reading: a file changed meanwhile makes the cache stale, not wrong
    lexicon, problems = lexicon_files.load_lexicon(directory)
    if problems:
        sys.stdout.buffer.write(marshal.dumps(None))
    else:
        sys.stdout.buffer.write(marshal.dumps((seen, as_data(lexicon), tuple(learned.learn(lexicon).tables()))))


if __name__ == "__main__":
    main(sys.argv[1:])
