-- Brands and the people who run their shows. A show names its brand in its
-- show file (`brand`); everyone here acts on that brand's shows only.
CREATE TABLE brands (
    id             TEXT    PRIMARY KEY,
    created_at_ms  INTEGER NOT NULL
);

-- Sign-in accounts. `role` is owner, host or moderator; the password is an
-- Argon2id PHC string, never the password.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    brand_id       TEXT    NOT NULL REFERENCES brands (id),
    email          TEXT    NOT NULL UNIQUE,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'host', 'moderator')),
    password_hash  TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL
);

-- Studio sessions: the cookie's secret is kept as its SHA-256 digest; the CSRF
-- token is sent back in a header on every change.
CREATE TABLE studio_sessions (
    token_sha256   TEXT    PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf           TEXT    NOT NULL,
    expires_at_ms  INTEGER NOT NULL
);
CREATE INDEX studio_sessions_by_expiry ON studio_sessions (expires_at_ms);

-- API tokens for a brand's own systems: scoped, revocable, kept as digests.
CREATE TABLE api_tokens (
    id             INTEGER PRIMARY KEY,
    brand_id       TEXT    NOT NULL REFERENCES brands (id),
    name           TEXT    NOT NULL,
    token_sha256   TEXT    NOT NULL UNIQUE,
    scopes         TEXT    NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER,
    revoked_at_ms  INTEGER
);
