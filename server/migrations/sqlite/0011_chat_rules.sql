-- A moderator's rules for a show's chat while it runs: slow mode (seconds
-- between two lines of one viewer, 0 off) and words to mask beyond the show
-- file's blocklist (a JSON array of at most 200 words). One row per show.
CREATE TABLE chat_rules (
    show_id       TEXT    PRIMARY KEY,
    slow_mode_s   INTEGER NOT NULL CHECK (slow_mode_s BETWEEN 0 AND 300),
    blocked_words TEXT    NOT NULL,
    by_whom       TEXT    NOT NULL,
    at_ms         INTEGER NOT NULL
) WITHOUT ROWID;
