-- The Keys page shows when a key expires and when it was last used.
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
    k.last_used_at
FROM api_keys k;
