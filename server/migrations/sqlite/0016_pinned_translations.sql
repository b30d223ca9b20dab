-- The pinned message's translations, by language, as a JSON object ('{}': none).
ALTER TABLE pinned_messages ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
