-- As ../sqlite/0024_server_leases.sql: each server renews its lease while it
-- runs; a pending payment of a server whose lease lapsed is settled at once.
CREATE TABLE server_leases (
    instance       BIGINT PRIMARY KEY,
    alive_until_ms BIGINT NOT NULL
);

-- The built-in test payment provider's closed keys: nothing charged, nothing to be.
CREATE TABLE test_provider_closed (
    key TEXT PRIMARY KEY
);
