-- How other viewers see a session: `user` and six random digits. Sessions from
-- before this migration get a name here; new ones get theirs when created.
ALTER TABLE sessions ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE sessions SET name = 'user' || substr('00000' || ((random() % 1000000 + 1000000) % 1000000), -6);

-- Coins, double-entry: every movement is one transaction whose entries sum to zero.
-- Accounts: `coins_issued` (what top-ups draw from; the only one that goes negative),
-- `wallet:<session id>`, `host_earnings:<show id>`, `host_converted:<show id>`.
CREATE TABLE ledger_transactions (
    -- AUTOINCREMENT: a transaction id (also the id of the gift streak it starts) is never reused.
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL CHECK (kind IN ('top_up', 'gift', 'convert')),
    -- The session and command that caused it (none for a host's conversion).
    session_id    INTEGER REFERENCES sessions(id),
    command_id    TEXT,
    -- What a gift transaction sent.
    gift_id       TEXT,
    gift_count    INTEGER CHECK (gift_count > 0),
    created_at_ms INTEGER NOT NULL,
    UNIQUE (session_id, command_id)
);

CREATE TABLE ledger_entries (
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
    account        TEXT    NOT NULL,
    coins          INTEGER NOT NULL CHECK (coins != 0),
    PRIMARY KEY (transaction_id, account)
);

CREATE INDEX ledger_entries_account ON ledger_entries (account);

-- Each account's balance, kept equal to the sum of its entries in the same transaction.
CREATE TABLE balances (
    account TEXT    PRIMARY KEY,
    coins   INTEGER NOT NULL CHECK (coins >= 0 OR account = 'coins_issued')
) WITHOUT ROWID;

-- Coin packs bought by card. Written as `payment_pending` before the charge; moves
-- exactly once to `paid` (coins credited), `declined` (the charge was refused) or
-- `failed` (a later lookup found nothing charged).
CREATE TABLE top_ups (
    -- AUTOINCREMENT: the payment's idempotency key (`topup-<id>`) is never reused.
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    command_id    TEXT    NOT NULL,
    pack_id       TEXT    NOT NULL,
    coins         INTEGER NOT NULL CHECK (coins > 0),
    price_minor   INTEGER NOT NULL CHECK (price_minor >= 0),
    currency      TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('payment_pending', 'paid', 'declined', 'failed')),
    created_at_ms INTEGER NOT NULL,
    -- All that is kept of the card.
    card_last4    TEXT    NOT NULL,
    payment_ref   TEXT,
    UNIQUE (session_id, command_id)
);

CREATE INDEX top_ups_pending ON top_ups (status) WHERE status = 'payment_pending';

-- What hosts were credited for their converted gift earnings, in the show's money.
CREATE TABLE host_credits (
    id             INTEGER PRIMARY KEY,
    show_id        TEXT    NOT NULL,
    transaction_id INTEGER NOT NULL UNIQUE REFERENCES ledger_transactions(id),
    coins          INTEGER NOT NULL CHECK (coins > 0),
    rate_minor     INTEGER NOT NULL CHECK (rate_minor >= 0),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor = coins * rate_minor),
    currency       TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL
);
