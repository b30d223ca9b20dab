-- What the hub tallied while a show was live (its peak, its minutes and its
-- adds to cart, as JSON), kept when the show ends: its dashboard shows them
-- as its results, also after a restart, and replay viewers add nothing.
CREATE TABLE show_results (
    show_id  TEXT PRIMARY KEY,
    tally    TEXT NOT NULL
);
