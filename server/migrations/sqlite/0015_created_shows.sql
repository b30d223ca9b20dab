-- Shows a brand's team scheduled through the API (`POST /api/v1/shows`), kept
-- as sent (JSON with the show file's fields) and run at every start beside the
-- server's show files. At most `MAX_SHOWS_PER_BRAND` per brand.
CREATE TABLE created_shows (
    id            TEXT    PRIMARY KEY,
    brand         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
);

CREATE INDEX created_shows_brand ON created_shows (brand);
