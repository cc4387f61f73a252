-- One rule for telling the verification caches that keys changed, used by
-- every trigger that touches many keys at once: each key is named, or, past
-- 1000 keys, one `*` ("every key") is sent instead. Before, renaming an
-- account was capped but deleting one sent a notification per key (one per
-- cascaded link row).
CREATE FUNCTION keyhold_notify_keys(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) > 1000 THEN
        PERFORM pg_notify('keyhold_keys', '*');
    ELSE
        PERFORM pg_notify('keyhold_keys', id::text) FROM unnest(ids) AS id;
    END IF;
END
$$;

-- A renamed account changes the answer for every key that grants it.
CREATE OR REPLACE FUNCTION keyhold_notify_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM keyhold_notify_keys(ARRAY(SELECT key_id FROM api_key_accounts WHERE account_id = OLD.id));
    RETURN NULL;
END
$$;

-- The links between keys and accounts: one notification rule per statement,
-- over all the rows it changed (transition tables), so the ON DELETE CASCADE
-- of a deleted account, one statement, is capped like a rename.
DROP TRIGGER api_key_accounts_notify ON api_key_accounts;
DROP FUNCTION keyhold_notify_key_account();

CREATE FUNCTION keyhold_notify_key_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM keyhold_notify_keys(ARRAY(SELECT DISTINCT key_id FROM new_links));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM keyhold_notify_keys(ARRAY(SELECT DISTINCT key_id FROM old_links));
    ELSE
        PERFORM keyhold_notify_keys(ARRAY(SELECT key_id FROM old_links UNION SELECT key_id FROM new_links));
    END IF;
    RETURN NULL;
END
$$;

-- A trigger with transition tables has one event, hence three.
CREATE TRIGGER api_key_accounts_notify_insert
    AFTER INSERT ON api_key_accounts
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION keyhold_notify_key_accounts();

CREATE TRIGGER api_key_accounts_notify_update
    AFTER UPDATE ON api_key_accounts
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION keyhold_notify_key_accounts();

CREATE TRIGGER api_key_accounts_notify_delete
    AFTER DELETE ON api_key_accounts
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION keyhold_notify_key_accounts();
