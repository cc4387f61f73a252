-- The verification API (`POST /api/v1/keys/verify`): keys may expire, and
-- each successful verification records when the key was last used.
ALTER TABLE api_keys
    ADD COLUMN expires_at   timestamptz NULL,
    ADD COLUMN last_used_at timestamptz NULL;

-- Every server keeps verification results in memory and LISTENs on
-- `keyhold_keys` to forget the ones that changed. The payload is the id of
-- the changed key, or `*` when too many keys changed at once to name them
-- (the listener then forgets everything). Notifications are delivered only
-- when the transaction commits, and identical ones are sent once.

CREATE FUNCTION keyhold_notify_api_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('keyhold_keys', OLD.id::text);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('keyhold_keys', NEW.id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify_insert_delete
    AFTER INSERT OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION keyhold_notify_api_key();

-- Recording the last use changes nothing a verification answers, and
-- happening on every use, it must not empty the caches.
CREATE TRIGGER api_keys_notify_update
    AFTER UPDATE ON api_keys
    FOR EACH ROW
    WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
    EXECUTE FUNCTION keyhold_notify_api_key();

CREATE FUNCTION keyhold_notify_key_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('keyhold_keys', OLD.key_id::text);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('keyhold_keys', NEW.key_id::text);
    END IF;
    RETURN NULL;
END
$$;

-- Also fires for the rows a deleted account or key takes with it (ON DELETE
-- CASCADE), so deleting an account needs no trigger of its own.
CREATE TRIGGER api_key_accounts_notify
    AFTER INSERT OR UPDATE OR DELETE ON api_key_accounts
    FOR EACH ROW EXECUTE FUNCTION keyhold_notify_key_account();

-- A renamed account changes the answer for every key that grants it.
CREATE FUNCTION keyhold_notify_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM api_key_accounts WHERE account_id = OLD.id) > 1000 THEN
        PERFORM pg_notify('keyhold_keys', '*');
    ELSE
        PERFORM pg_notify('keyhold_keys', key_id::text)
        FROM api_key_accounts WHERE account_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_notify_update
    AFTER UPDATE ON accounts
    FOR EACH ROW
    WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION keyhold_notify_account();
