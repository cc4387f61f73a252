-- Webhooks: every change to a key writes an event to an outbox in the same
-- transaction; workers in every `keyhold serve` process send them, signed
-- with the key's secret (Standard Webhooks), and retry with backoff.

-- Each key's signing secret, sealed with the master key (AES-256-GCM, the key
-- id bound as associated data). No foreign key: a deleted key's `key.deleted`
-- event is still signed after the key is gone. Keys made before this
-- migration get a secret the first time one is needed.
CREATE TABLE webhook_secrets (
    key_id      uuid PRIMARY KEY,
    nonce       bytea NOT NULL,
    ciphertext  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The outbox. `seq` orders a key's events: a delivery is sent only when no
-- earlier delivery of the same key is still pending. The URL is copied so a
-- deleted key's last event still has somewhere to go; no foreign key for
-- the same reason. `webhook-id` is the row's id, so retries of one delivery
-- carry the same id and receivers can drop duplicates.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    key_id           uuid NOT NULL,
    event_type       text NOT NULL,
    -- The exact body sent and signed.
    payload          text NOT NULL,
    url              text NOT NULL,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    -- Attempts started so far (counted when a worker claims the delivery).
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- Set while a worker is sending; a worker that dies mid-delivery leaves
    -- a lease that runs out, and the delivery is due again.
    locked_until     timestamptz NULL,
    last_status      integer NULL,
    last_error       text NULL,
    last_attempt_at  timestamptz NULL,
    delivered_at     timestamptz NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at, seq) WHERE state = 'pending';
-- "Is an earlier delivery of this key still pending?", asked for every claim.
CREATE INDEX webhook_deliveries_pending_by_key ON webhook_deliveries (key_id, seq) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_key ON webhook_deliveries (key_id, seq DESC);

-- New deliveries wake the workers at once (they also look every second).
-- Sent when the transaction commits; identical notifications are sent once.
CREATE FUNCTION keyhold_notify_webhook() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('keyhold_webhooks', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_deliveries_notify
    AFTER INSERT ON webhook_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION keyhold_notify_webhook();

-- Which `key.expiring` notices were sent, so each threshold (7 days and
-- 1 day before `expires_at`) is notified once per expiry date.
CREATE TABLE webhook_expiry_notices (
    key_id      uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    days        integer NOT NULL CHECK (days IN (1, 7)),
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key_id, days, expires_at)
);

-- The Keys page marks a key whose webhook is failing: its latest finished
-- delivery failed, or a delivery is still pending after 3 attempts.
CREATE OR REPLACE VIEW api_key_listing AS
SELECT
    k.id, k.name, k.webhook_url, k.blocked, k.version, k.created_at,
    EXISTS (SELECT 1 FROM api_key_avatars v WHERE v.key_id = k.id) AS has_avatar,
    COALESCE((
        SELECT json_agg(json_build_array(a.id, a.name) ORDER BY lower(a.name), a.id)
        FROM api_key_accounts ka JOIN accounts a ON a.id = ka.account_id
        WHERE ka.key_id = k.id
    ), '[]'::json) AS accounts,
    k.expires_at,
    k.last_used_at,
    (
        COALESCE((
            SELECT d.state = 'failed' FROM webhook_deliveries d
            WHERE d.key_id = k.id AND d.state <> 'pending'
            ORDER BY d.seq DESC LIMIT 1
        ), false)
        OR EXISTS (
            SELECT 1 FROM webhook_deliveries d
            WHERE d.key_id = k.id AND d.state = 'pending' AND d.attempts >= 3
        )
    ) AS webhook_failing
FROM api_keys k;
