-- Management tokens: what a customer's backend presents to the management
-- API (`Authorization: Bearer khm_...`). Only the SHA-256 of each token is
-- kept: it is shown once, when created, and cannot be copied later.
-- `created_by` is the creator as the audit log names actors (an operator's
-- email, "command line"). A revoked token stays for the record; its name
-- may be used again.
CREATE TABLE management_tokens (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    access        text NOT NULL CHECK (access IN ('read_only', 'read_write')),
    expires_at    timestamptz,
    created_by    text NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX management_tokens_name_unique ON management_tokens (lower(name)) WHERE revoked_at IS NULL;
CREATE INDEX management_tokens_newest_first ON management_tokens (created_at DESC, id DESC);
