-- Servers sharing a database (PostgreSQL) say they are alive: each renews its
-- row every second while it runs. A pending payment whose charging process's
-- lease has lapsed is settled at once (the provider's key closed first), not
-- when its charge's answer was due, so a dead server's deal units and stock
-- come back sooner. On an SQLite file, the one server's, it stays empty.
CREATE TABLE server_leases (
    instance       INTEGER PRIMARY KEY,
    alive_until_ms INTEGER NOT NULL
);

-- The built-in test payment provider's closed keys: nothing was charged under
-- them when they were closed, and nothing will be (a real provider cancels or
-- expires the payment on its side).
CREATE TABLE test_provider_closed (
    key TEXT PRIMARY KEY
);
