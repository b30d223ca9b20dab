-- Sign-in tries in the current window, per email (`email:<address>`) and per
-- client address (`ip:<address>`), kept in the database so that every server
-- sharing it counts the same tries. Windows that have passed are deleted, and
-- at most 10,000 rows are kept: the oldest windows go first.
CREATE TABLE sign_in_tries (
    key             TEXT    PRIMARY KEY,
    window_start_ms INTEGER NOT NULL,
    tries           INTEGER NOT NULL
);

CREATE INDEX sign_in_tries_age ON sign_in_tries (window_start_ms);

-- An answer kept for an Idempotency-Key never holds a secret: a new API
-- token's and a rotated stream key's are kept without it from now on, and
-- those kept with it before are dropped.
DELETE FROM api_answers
WHERE instr(body, CAST('"token":"lpk_' AS BLOB)) > 0
   OR instr(body, CAST('"stream_key":' AS BLOB)) > 0;
