-- After a roll, the old token may keep working for a grace period.
CREATE TABLE api_key_previous_tokens (
    token_hash   bytea PRIMARY KEY,
    key_id       uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    valid_until  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_key_previous_tokens_by_key ON api_key_previous_tokens (key_id);
