-- Replays. A show's events with their programme time, kept from when it goes
-- on air until it ends: the replay shows them in sync with the recording.
-- A row per write (every 250 ms): a deflated JSON array of
-- `[programme ms, event]`, so a chat flood's repeated keys and names cost little.
CREATE TABLE show_events (
    id       INTEGER PRIMARY KEY,
    show_id  TEXT    NOT NULL,
    first_ms INTEGER NOT NULL,
    events   INTEGER NOT NULL CHECK (events > 0),
    body     BLOB    NOT NULL
);
CREATE INDEX show_events_time ON show_events (show_id, first_ms);

-- When a show ended (its replay opens then); NULL while it has not.
ALTER TABLE shows ADD COLUMN ended_at_ms INTEGER;

-- The brand's choices for a show's replay.
CREATE TABLE replays (
    show_id       TEXT    PRIMARY KEY,
    trim_start_ms INTEGER NOT NULL DEFAULT 0 CHECK (trim_start_ms >= 0),
    trim_end_ms   INTEGER NOT NULL DEFAULT 0 CHECK (trim_end_ms >= 0),
    chat          INTEGER NOT NULL DEFAULT 1,
    removed       INTEGER NOT NULL DEFAULT 0
);

-- Replay viewers, apart from live: a row per session that opened the replay,
-- with what it watched and tapped there.
CREATE TABLE replay_views (
    show_id    TEXT    NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    watch_s    INTEGER NOT NULL DEFAULT 0,
    taps       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (show_id, session_id)
);
