-- As ../sqlite/0027_show_results.sql: an ended show's tally, kept.
CREATE TABLE show_results (
    show_id  TEXT PRIMARY KEY,
    tally    TEXT NOT NULL
);
