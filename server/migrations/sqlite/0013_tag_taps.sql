-- Taps on a product's tag, per shopper: the dashboard's taps per impression.
-- One row per show, product and session, so a session's taps take no more room
-- however often it taps.
CREATE TABLE tag_taps (
    show_id    TEXT    NOT NULL,
    product_id TEXT    NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    taps       INTEGER NOT NULL CHECK (taps > 0),
    PRIMARY KEY (show_id, product_id, session_id)
);
