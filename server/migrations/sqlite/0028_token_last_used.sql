-- When a request last came with each API token, to the minute: the server
-- notes a use at most once a minute per token (`access::tokens::find`).
ALTER TABLE api_tokens ADD COLUMN last_used_at_ms INTEGER;
