"""The database's schema: one migration a version, applied in order by the store."""

# Each entry moves the schema up one version (PRAGMA user_version). Never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE conversations (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE handled_updates (
        update_ref TEXT PRIMARY KEY,
        handled_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX handled_updates_by_time ON handled_updates (handled_at);
    CREATE TABLE chat_messages (
        key TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (key, message_id)
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE data_keys (
        key TEXT PRIMARY KEY,
        wrapped BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE notes (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        noted_at TEXT NOT NULL,
        sent_at TEXT,
        body BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX notes_by_person ON notes (key, noted_at);
    CREATE TABLE note_entries (
        id TEXT PRIMARY KEY,
        note_id TEXT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        field TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        value BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX note_entries_by_note ON note_entries (note_id, saved_at);
    """,
    """
    CREATE TABLE evidence (
        id TEXT NOT NULL UNIQUE,
        note_id TEXT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
        saved_at TEXT NOT NULL,
        sent_at TEXT,
        meta BLOB NOT NULL,
        body BLOB NOT NULL
    );
    CREATE INDEX evidence_by_note ON evidence (note_id, saved_at);
    """,
    """
    CREATE TABLE key_check (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        master BLOB NOT NULL,
        identity TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE plan_items (
        key TEXT NOT NULL,
        item TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        value BLOB NOT NULL,
        PRIMARY KEY (key, item)
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE return_codes (
        digest BLOB PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        person BLOB NOT NULL,
        made_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
)
