-- Payments the shopper completes elsewhere (QRIS, e-wallets, virtual
-- accounts, a card in Stripe's fields), cash on delivery and refunds.
--
-- An order's status takes new values. SQLite cannot alter a CHECK
-- constraint, and rebuilding `orders` needs foreign keys off, which a
-- migration's transaction does not allow (and dropping the old table would
-- cascade into `order_lines`). Widening a CHECK changes nothing on disk, so
-- the table's definition is edited in place, as SQLite's documentation
-- describes for removing a constraint. Every connection opened afterwards
-- reads the new definition (the server migrates on a connection of its own
-- and closes it).
-- How it is paid (a lapak_protocol::PayMethod, as JSON), and through which provider.
ALTER TABLE orders ADD COLUMN method TEXT NOT NULL DEFAULT '{"kind":"card"}';
ALTER TABLE orders ADD COLUMN provider TEXT;
-- What the shopper does to pay while it waits (a PayAction, as JSON).
ALTER TABLE orders ADD COLUMN action TEXT;
ALTER TABLE orders ADD COLUMN expires_at_ms INTEGER;
-- Never more than the total: the refund's conditional update checks it.
ALTER TABLE orders ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0);
-- Why the brand must look at it (a callback's amount or currency differed), if it must.
ALTER TABLE orders ADD COLUMN flagged TEXT;
CREATE INDEX orders_awaiting ON orders (expires_at_ms) WHERE status = 'awaiting_payment';
CREATE INDEX orders_by_show ON orders (show_id, status);

-- Each provider event is applied once: a replayed or duplicated callback finds its row.
CREATE TABLE payment_events (
    provider       TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    order_id       INTEGER REFERENCES orders(id),
    received_at_ms INTEGER NOT NULL,
    PRIMARY KEY (provider, event_id)
);

-- Refunds asked of a provider, each under its own idempotency key.
CREATE TABLE refunds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL REFERENCES orders(id),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    reference     TEXT,
    created_at_ms INTEGER NOT NULL
);

-- Last: the connection that edits the definition keeps reading the old one.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (status IN (''payment_pending'', ''paid'', ''failed''))',
    'CHECK (status IN (''payment_pending'', ''paid'', ''failed'', ''awaiting_payment'', ''expired'', ''pay_on_delivery'', ''cancelled'', ''refunded'', ''returned''))')
WHERE type = 'table' AND name = 'orders';
PRAGMA writable_schema = OFF;
