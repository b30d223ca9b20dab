-- Answers to the API's POSTs sent with an Idempotency-Key, so that a retry
-- gets the first answer: per credential (the digest of its token or session
-- cookie), for a day, at most 10,000 per credential, successes only.
-- `request` is a digest of the path and body: the same key for another
-- request is refused.
CREATE TABLE api_answers (
    credential TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    request    TEXT    NOT NULL,
    status     INTEGER NOT NULL,
    body       BLOB    NOT NULL,
    at_ms      INTEGER NOT NULL,
    PRIMARY KEY (credential, key)
) WITHOUT ROWID;

CREATE INDEX api_answers_age ON api_answers (at_ms);
