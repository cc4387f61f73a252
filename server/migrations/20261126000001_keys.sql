-- Accounts that keys grant access to.
CREATE TABLE accounts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_name_unique ON accounts (lower(name));

INSERT INTO accounts (name) VALUES ('Default');

-- API keys. The token is never stored in plain text: `token_hash` (SHA-256)
-- finds a key by its token, `token_ciphertext` (AES-256-GCM under the master
-- key, nonce in `token_nonce`) lets an operator copy it later.
CREATE TABLE api_keys (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name              text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    webhook_url       text NOT NULL CHECK (char_length(webhook_url) BETWEEN 1 AND 2048),
    token_hash        bytea NOT NULL,
    token_nonce       bytea NOT NULL,
    token_ciphertext  bytea NOT NULL,
    blocked           boolean NOT NULL DEFAULT false,
    version           bigint NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX api_keys_name_unique ON api_keys (lower(name));
CREATE UNIQUE INDEX api_keys_token_hash_unique ON api_keys (token_hash);
-- Search is a case-insensitive substring match; trigrams keep it indexed.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX api_keys_name_search ON api_keys USING gin (lower(name) gin_trgm_ops);
CREATE INDEX api_keys_newest_first ON api_keys (created_at DESC, id DESC);

-- Which accounts a key grants access to.
CREATE TABLE api_key_accounts (
    key_id      uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key_id, account_id)
);
CREATE INDEX api_key_accounts_by_account ON api_key_accounts (account_id);

-- Uploaded avatars, already re-encoded to a 128×128 PNG.
CREATE TABLE api_key_avatars (
    key_id      uuid PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
    png         bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A key as the Keys page shows it: accounts as `[[id, name], ...]` JSON.
CREATE VIEW api_key_listing AS
SELECT
    k.id, k.name, k.webhook_url, k.blocked, k.version, k.created_at,
    EXISTS (SELECT 1 FROM api_key_avatars v WHERE v.key_id = k.id) AS has_avatar,
    COALESCE((
        SELECT json_agg(json_build_array(a.id, a.name) ORDER BY lower(a.name), a.id)
        FROM api_key_accounts ka JOIN accounts a ON a.id = ka.account_id
        WHERE ka.key_id = k.id
    ), '[]'::json) AS accounts
FROM api_keys k;
