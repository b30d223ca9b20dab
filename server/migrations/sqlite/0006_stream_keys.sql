-- The secret each show's encoder publishes with (rtmp://host/live/<key>). One
-- row per show; rotating replaces the key, so the old one stops working at once.
CREATE TABLE stream_keys (
    show_id        TEXT    PRIMARY KEY,
    stream_key     TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL
);
