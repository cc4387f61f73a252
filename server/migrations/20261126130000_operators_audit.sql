-- Operators: the people who sign in to the Keys page. Passwords are kept
-- only as Argon2id hashes (PHC strings).
CREATE TABLE operators (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email          text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    password_hash  text NOT NULL,
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX operators_email_unique ON operators (lower(email));

-- Sign-in sessions (tower-sessions records). The cookie holds the session
-- id; only its SHA-256 is stored, so a copy of this table signs nobody in.
-- `operator_id` is copied out of the record so that disabling an operator
-- can end their sessions.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    data         jsonb NOT NULL,
    operator_id  uuid REFERENCES operators (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_by_operator ON sessions (operator_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Every change, written in the transaction that makes it. Names and emails
-- are copied so the log still reads right after a key or operator is gone.
-- Never a token.
CREATE TABLE audit_log (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    operator_id     uuid REFERENCES operators (id) ON DELETE SET NULL,
    operator_email  text,
    address         text,
    action          text NOT NULL,
    key_id          uuid,
    key_name        text,
    account_id      uuid,
    account_name    text,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_newest_first ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_by_key ON audit_log (key_id, at DESC, id DESC);
