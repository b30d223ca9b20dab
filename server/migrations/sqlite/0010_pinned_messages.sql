-- The host's message above the chat, once changed from the studio or the API
-- (`pinned` NULL: taken down). Without a row, the show file's `pinned` stands.
-- One row per show.
CREATE TABLE pinned_messages (
    show_id TEXT PRIMARY KEY,
    pinned  TEXT,
    by_whom TEXT    NOT NULL,
    at_ms   INTEGER NOT NULL
) WITHOUT ROWID;
