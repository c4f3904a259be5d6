-- An API token may expire: the moment (UTC, the same text form as the other timestamps) after
-- which it is refused; NULL lives until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
