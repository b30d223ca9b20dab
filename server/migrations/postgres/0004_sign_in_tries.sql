-- As ../sqlite/0023_sign_in_tries.sql: sign-in tries per email and per client
-- address, seen by every server sharing the database.
CREATE TABLE sign_in_tries (
    key             TEXT    PRIMARY KEY,
    window_start_ms BIGINT  NOT NULL,
    tries           BIGINT  NOT NULL
);

CREATE INDEX sign_in_tries_age ON sign_in_tries (window_start_ms);

-- No answer kept for an Idempotency-Key holds a secret.
DELETE FROM api_answers
WHERE position(convert_to('"token":"lpk_', 'UTF8') IN body) > 0
   OR position(convert_to('"stream_key":', 'UTF8') IN body) > 0;
