-- The management API's Idempotency-Key on POST /api/v1/keys: per token, the
-- request's fingerprint (SHA-256 of its content) and the key it created.
-- Written in the creating transaction, so a concurrent repeat waits on the
-- primary key and then finds the key. Rows older than 24 hours no longer
-- count (they are replaced when the key is used again).
CREATE TABLE management_idempotency (
    token_id         uuid NOT NULL REFERENCES management_tokens (id) ON DELETE CASCADE,
    idempotency_key  text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    fingerprint      bytea NOT NULL,
    key_id           uuid REFERENCES api_keys (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, idempotency_key)
);
