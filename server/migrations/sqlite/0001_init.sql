-- Sessions: one per viewer (browser), identified by a secret token.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token         TEXT    NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL
);

-- Cart lines, in the order first added (id).
CREATE TABLE cart_lines (
    id               INTEGER PRIMARY KEY,
    session_id       INTEGER NOT NULL REFERENCES sessions(id),
    product_id       TEXT    NOT NULL,
    variant_id       TEXT    NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL,
    currency         TEXT    NOT NULL,
    UNIQUE (session_id, product_id, variant_id)
);

-- Units available per variant; seeded from the show file on first start.
CREATE TABLE stock (
    show_id    TEXT    NOT NULL,
    product_id TEXT    NOT NULL,
    variant_id TEXT    NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (show_id, product_id, variant_id)
);

-- Every command id answered, with its answer: a retry gets the same answer and changes nothing.
CREATE TABLE processed_commands (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    command_id TEXT    NOT NULL,
    response   TEXT    NOT NULL,
    PRIMARY KEY (session_id, command_id)
);

-- When each show started, so its timeline resumes at the right stream time after a restart.
CREATE TABLE shows (
    id            TEXT    PRIMARY KEY,
    started_at_ms INTEGER NOT NULL
);
