-- A moderator's word on a viewer of a show: muted until a time, or banned
-- (`until_ms` NULL). Kept, so reconnecting or a restart changes nothing; one
-- row per viewer and show, so it holds no more rows than there are sessions.
CREATE TABLE chat_sanctions (
    show_id        TEXT    NOT NULL,
    session_id     INTEGER NOT NULL REFERENCES sessions (id),
    until_ms       INTEGER,
    by_whom        TEXT    NOT NULL,
    at_ms          INTEGER NOT NULL,
    PRIMARY KEY (show_id, session_id)
);
