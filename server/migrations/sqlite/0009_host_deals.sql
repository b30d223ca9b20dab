-- Flash deals a host starts from the studio or the API (the show file's
-- timeline has its own). Times are stream times, like the timeline's: the
-- show's clock survives restarts (`shows.started_at_ms`), so these do too.
-- AUTOINCREMENT: a deal's id (`host-<id>`) names its units in `order_lines`
-- and is never reused.
CREATE TABLE host_deals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    show_id     TEXT    NOT NULL,
    product_id  TEXT    NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    per_buyer   INTEGER NOT NULL CHECK (per_buyer > 0),
    start_ms    INTEGER NOT NULL,
    end_ms      INTEGER NOT NULL CHECK (end_ms > start_ms),
    started_by  TEXT    NOT NULL
);

CREATE INDEX host_deals_show ON host_deals (show_id, end_ms);
