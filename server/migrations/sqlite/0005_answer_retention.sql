-- Stored answers are kept for a while, not forever: when each was stored, so
-- the janitor can drop the old ones and keep each session's newest few.
ALTER TABLE processed_commands ADD COLUMN stored_at_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX processed_commands_stored_at ON processed_commands (stored_at_ms);
