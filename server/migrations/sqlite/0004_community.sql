-- The community around a show: what each viewer did (for missions and the LIVE
-- Journey), the missions they completed, the badges they earned and their Fan
-- Club membership. Chat lines live in memory only.

-- Activities counted per session, show, UTC day ('2026-11-23') and activity
-- ('like', 'comment', 'watch_seconds', …): a show-long mission sums the days.
CREATE TABLE activity_counts (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    show_id    TEXT    NOT NULL,
    activity   TEXT    NOT NULL,
    day        TEXT    NOT NULL,
    count      INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (session_id, show_id, activity, day)
) WITHOUT ROWID;

-- A mission completed, once per period: `period_key` is 'show' for a show-long
-- mission and the UTC day for a daily one. The reward is granted only by the
-- statement that inserts the row, so retries and reconnects never grant twice.
CREATE TABLE mission_completions (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id),
    show_id         TEXT    NOT NULL,
    mission_id      TEXT    NOT NULL,
    period_key      TEXT    NOT NULL,
    completed_at_ms INTEGER NOT NULL,
    UNIQUE (session_id, show_id, mission_id, period_key)
);

-- Badges earned, in the order earned (id).
CREATE TABLE badges_earned (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions(id),
    show_id      TEXT    NOT NULL,
    badge_id     TEXT    NOT NULL,
    earned_at_ms INTEGER NOT NULL,
    UNIQUE (session_id, show_id, badge_id)
);

-- Fan Club memberships: one per session and show.
CREATE TABLE club_members (
    session_id   INTEGER NOT NULL REFERENCES sessions(id),
    show_id      TEXT    NOT NULL,
    points       INTEGER NOT NULL CHECK (points >= 0),
    level        INTEGER NOT NULL CHECK (level >= 1),
    joined_at_ms INTEGER NOT NULL,
    PRIMARY KEY (session_id, show_id)
) WITHOUT ROWID;

-- Coins granted by missions are ledger transactions of kind 'reward' (coins_issued
-- → wallet), each tied to the completion it rewards (at most one per completion).
-- SQLite cannot alter a CHECK, so the table is rebuilt with its rows and ids kept.
-- The entries and host credits referring to it are orphaned between the DROP and
-- the copy back; deferring the foreign keys lets the copy resolve them by commit.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE ledger_transactions_old AS SELECT * FROM ledger_transactions;
DROP TABLE ledger_transactions;

CREATE TABLE ledger_transactions (
    -- AUTOINCREMENT: a transaction id (also the id of the gift streak it starts) is never reused.
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL CHECK (kind IN ('top_up', 'gift', 'convert', 'reward')),
    -- The session and command that caused it (none for a host's conversion;
    -- the session but no command for a reward).
    session_id    INTEGER REFERENCES sessions(id),
    command_id    TEXT,
    -- What a gift transaction sent.
    gift_id       TEXT,
    gift_count    INTEGER CHECK (gift_count > 0),
    -- The mission completion a reward transaction pays.
    completion_id INTEGER UNIQUE REFERENCES mission_completions(id),
    created_at_ms INTEGER NOT NULL,
    UNIQUE (session_id, command_id),
    CHECK ((kind = 'reward') = (completion_id IS NOT NULL))
);

INSERT INTO ledger_transactions (id, kind, session_id, command_id, gift_id, gift_count, created_at_ms)
SELECT id, kind, session_id, command_id, gift_id, gift_count, created_at_ms
FROM ledger_transactions_old ORDER BY id;

DROP TABLE ledger_transactions_old;
