//! API keys in Postgres. Every write is one transaction that locks the key
//! first (`FOR UPDATE`), so two operators cannot interleave, and that holds
//! the change, its audit row and its webhook event.

use super::{
    audit::{self, Entry},
    internal,
    key_rows::{fetch_key, key_gone},
    outbox, violates, PgStore,
};
use app::{
    domain::{
        actor::Actor,
        audit::{key_changes, AuditAction},
        avatar::Avatar,
        draft::{field, KeyDraft},
        key::ApiKey,
        key_change::{AvatarChange, CreatedOnce, Idempotency, KeyChange, KeyOperation, NewKey, IDEMPOTENCY_WINDOW},
        key_query::{KeyPage, KeyQuery},
        vault::SealedToken,
        webhook_event::EventType,
    },
    error::AppError,
    store::KeyStore,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// Replaces the key's accounts; an id that is not an account is a field error.
async fn set_accounts(conn: &mut PgConnection, id: Uuid, accounts: &[Uuid]) -> Result<(), AppError> {
    sqlx::query!("DELETE FROM api_key_accounts WHERE key_id = $1", id).execute(&mut *conn).await.map_err(internal)?;
    let inserted = sqlx::query!(
        "INSERT INTO api_key_accounts (key_id, account_id)
         SELECT $1, a.id FROM accounts a WHERE a.id = ANY($2)",
        id,
        accounts
    )
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    if inserted.rows_affected() as usize != accounts.len() {
        return Err(AppError::invalid(
            field::ACCOUNTS,
            "One of the chosen accounts no longer exists. Reopen the dialog to see the current accounts.",
        ));
    }
    Ok(())
}

async fn set_avatar(conn: &mut PgConnection, id: Uuid, avatar: &Avatar) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO api_key_avatars (key_id, png) VALUES ($1, $2)
         ON CONFLICT (key_id) DO UPDATE SET png = EXCLUDED.png, updated_at = now()",
        id,
        avatar.png()
    )
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

fn name_taken(err: sqlx::Error, draft: &KeyDraft) -> AppError {
    if violates(&err, "api_keys_name_unique") {
        AppError::taken(field::NAME, format!("An API key named “{}” already exists.", draft.name()))
    } else {
        internal(err)
    }
}

/// The key's version and blocked state, its row locked until the
/// transaction ends.
async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<(i64, bool), AppError> {
    sqlx::query!("SELECT version, blocked FROM api_keys WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await
        .map_err(internal)?
        .map(|row| (row.version, row.blocked))
        .ok_or_else(key_gone)
}

fn changed_meanwhile(operation: &KeyOperation) -> AppError {
    AppError::Conflict(match operation {
        KeyOperation::Modify { .. } => "This API key was changed in another tab or by another operator while you were editing it. \
             The list now shows the latest version; open it again to make your change."
            .into(),
        _ => "This API key was changed in another tab or by another operator; the list now shows its latest version.".into(),
    })
}

async fn modify(conn: &mut PgConnection, id: Uuid, draft: &KeyDraft, avatar: &AvatarChange) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE api_keys SET name = $2, webhook_url = $3, expires_at = $4, version = version + 1, updated_at = now()
         WHERE id = $1",
        id,
        draft.name().as_str(),
        draft.webhook_url().as_str(),
        draft.expires_at()
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| name_taken(e, draft))?;
    set_accounts(conn, id, draft.accounts()).await?;
    match avatar {
        AvatarChange::Keep => Ok(()),
        AvatarChange::Remove => {
            sqlx::query!("DELETE FROM api_key_avatars WHERE key_id = $1", id).execute(conn).await.map_err(internal).map(drop)
        }
        AvatarChange::Replace(a) => set_avatar(conn, id, a).await,
    }
}

async fn set_blocked(conn: &mut PgConnection, id: Uuid, blocked: bool, currently: bool) -> Result<(), AppError> {
    if currently == blocked {
        let state = if blocked { "blocked" } else { "unblocked" };
        return Err(AppError::Conflict(format!("This API key was already {state} in another tab or by another operator.")));
    }
    sqlx::query!("UPDATE api_keys SET blocked = $2, version = version + 1, updated_at = now() WHERE id = $1", id, blocked)
        .execute(conn)
        .await
        .map_err(internal)?;
    Ok(())
}

async fn roll(conn: &mut PgConnection, id: Uuid, token: &SealedToken, grace: Option<chrono::Duration>) -> Result<(), AppError> {
    let old_hash =
        sqlx::query_scalar!("SELECT token_hash FROM api_keys WHERE id = $1", id).fetch_one(&mut *conn).await.map_err(internal)?;
    match grace {
        // An emergency roll: every earlier token ends now, even one still in its own grace period.
        None => {
            sqlx::query!("DELETE FROM api_key_previous_tokens WHERE key_id = $1", id).execute(&mut *conn).await.map_err(internal)?;
        }
        // Tokens past their grace are of no use any more; the others keep theirs.
        Some(_) => {
            sqlx::query!("DELETE FROM api_key_previous_tokens WHERE key_id = $1 AND valid_until <= now()", id)
                .execute(&mut *conn)
                .await
                .map_err(internal)?;
        }
    }
    if let Some(grace) = grace {
        sqlx::query!(
            "INSERT INTO api_key_previous_tokens (token_hash, key_id, valid_until)
             VALUES ($1, $2, now() + make_interval(secs => $3))",
            old_hash,
            id,
            grace.num_seconds() as f64
        )
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    }
    sqlx::query!(
        "UPDATE api_keys SET token_hash = $2, token_nonce = $3, token_ciphertext = $4,
                version = version + 1, updated_at = now()
         WHERE id = $1",
        id,
        token.hash,
        token.nonce,
        token.ciphertext
    )
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Inserts the key with its accounts and avatar, its audit row and its
/// `key.created` event, on the caller's transaction.
async fn insert_key(tx: &mut PgConnection, actor: &Actor, new: &NewKey) -> Result<ApiKey, AppError> {
    let NewKey { draft, avatar, token } = new;
    let id = sqlx::query_scalar!(
        "INSERT INTO api_keys (name, webhook_url, token_hash, token_nonce, token_ciphertext, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        draft.name().as_str(),
        draft.webhook_url().as_str(),
        token.hash,
        token.nonce,
        token.ciphertext,
        draft.expires_at()
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| name_taken(e, draft))?;
    set_accounts(tx, id, draft.accounts()).await?;
    if let Some(avatar) = avatar {
        set_avatar(tx, id, avatar).await?;
    }
    let key = fetch_key(tx, id).await?;
    audit::record(tx, actor, Entry::key(AuditAction::KeyCreated, key.id, &key.name)).await?;
    outbox::enqueue(tx, &key, EventType::Created).await?;
    Ok(key)
}

#[async_trait::async_trait]
impl KeyStore for PgStore {
    async fn list_keys(&self, query: &KeyQuery) -> Result<KeyPage, AppError> {
        self.key_page(query).await
    }

    async fn key(&self, id: Uuid) -> Result<ApiKey, AppError> {
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        fetch_key(&mut conn, id).await
    }

    async fn avatar(&self, id: Uuid) -> Result<Option<Avatar>, AppError> {
        sqlx::query_scalar!("SELECT png FROM api_key_avatars WHERE key_id = $1", id)
            .fetch_optional(&self.pool)
            .await
            .map(|png| png.map(Avatar::from_stored))
            .map_err(internal)
    }

    async fn create_key(&self, actor: &Actor, new: &NewKey) -> Result<ApiKey, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let key = insert_key(&mut tx, actor, new).await?;
        tx.commit().await.map_err(internal)?;
        Ok(key)
    }

    async fn create_key_once(&self, actor: &Actor, new: &NewKey, once: &Idempotency) -> Result<CreatedOnce, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let window = IDEMPOTENCY_WINDOW.num_seconds() as f64;
        sqlx::query!(
            "DELETE FROM management_idempotency
             WHERE token_id = $1 AND idempotency_key = $2 AND created_at < now() - make_interval(secs => $3)",
            once.scope,
            once.key,
            window
        )
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        // A concurrent request with the same key waits here until the first
        // one commits (or rolls back), then finds its row.
        let claimed = sqlx::query_scalar!(
            r#"INSERT INTO management_idempotency (token_id, idempotency_key, fingerprint) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true AS "claimed!""#,
            once.scope,
            once.key,
            once.fingerprint
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        if claimed.is_none() {
            let earlier = sqlx::query!(
                "SELECT i.fingerprint, i.key_id, k.token_hash AS \"token_hash?\", k.token_nonce AS \"token_nonce?\",
                        k.token_ciphertext AS \"token_ciphertext?\"
                 FROM management_idempotency i LEFT JOIN api_keys k ON k.id = i.key_id
                 WHERE i.token_id = $1 AND i.idempotency_key = $2",
                once.scope,
                once.key
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
            if earlier.fingerprint != once.fingerprint {
                return Err(AppError::invalid(
                    "idempotencyKey",
                    "This Idempotency-Key was used for a different request in the last 24 hours; send a new one.",
                ));
            }
            let (Some(id), Some(hash), Some(nonce), Some(ciphertext)) =
                (earlier.key_id, earlier.token_hash, earlier.token_nonce, earlier.token_ciphertext)
            else {
                return Err(AppError::NotFound("The API key created with this Idempotency-Key has been deleted since.".into()));
            };
            let key = fetch_key(&mut tx, id).await?;
            tx.commit().await.map_err(internal)?;
            return Ok(CreatedOnce::Earlier(key, SealedToken { hash, nonce, ciphertext }));
        }
        let key = insert_key(&mut tx, actor, new).await?;
        sqlx::query!(
            "UPDATE management_idempotency SET key_id = $3, updated_at = now() WHERE token_id = $1 AND idempotency_key = $2",
            once.scope,
            once.key,
            key.id
        )
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(CreatedOnce::New(key))
    }

    async fn change_key(&self, actor: &Actor, id: Uuid, change: &KeyChange) -> Result<ApiKey, AppError> {
        let operation = &change.operation;
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let (version, blocked) = lock(&mut tx, id).await?;
        if change.expected_version.is_some_and(|expected| expected != version) {
            return Err(changed_meanwhile(operation));
        }
        let before = fetch_key(&mut tx, id).await?;
        match operation {
            KeyOperation::Modify { draft, avatar } => modify(&mut tx, id, draft, avatar).await?,
            KeyOperation::Block => set_blocked(&mut tx, id, true, blocked).await?,
            KeyOperation::Unblock => set_blocked(&mut tx, id, false, blocked).await?,
            KeyOperation::Roll { token, grace } => roll(&mut tx, id, token, *grace).await?,
            KeyOperation::Delete => {
                sqlx::query!("DELETE FROM api_keys WHERE id = $1", id).execute(&mut *tx).await.map_err(internal)?;
            }
        }
        // A deleted key's event and answer describe it as it was.
        let after = match operation {
            KeyOperation::Delete => before.clone(),
            _ => fetch_key(&mut tx, id).await?,
        };
        let entry = Entry::key(operation.audit_action(), after.id, &after.name);
        let entry = match operation {
            KeyOperation::Modify { avatar, .. } => {
                entry.with_changes(key_changes(&before, &after, matches!(avatar, AvatarChange::Replace(_))))
            }
            KeyOperation::Roll { grace, .. } => entry.with_details(serde_json::json!({ "grace_seconds": grace.map(|g| g.num_seconds()) })),
            _ => entry,
        };
        audit::record(&mut tx, actor, entry).await?;
        outbox::enqueue(&mut tx, &after, operation.event()).await?;
        tx.commit().await.map_err(internal)?;
        Ok(after)
    }

    async fn copy_token(&self, actor: &Actor, id: Uuid) -> Result<SealedToken, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let row = sqlx::query!("SELECT name, token_hash, token_nonce, token_ciphertext FROM api_keys WHERE id = $1", id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .ok_or_else(key_gone)?;
        audit::record(&mut tx, actor, Entry::key(AuditAction::KeyTokenCopied, id, &row.name)).await?;
        tx.commit().await.map_err(internal)?;
        Ok(SealedToken { hash: row.token_hash, nonce: row.token_nonce, ciphertext: row.token_ciphertext })
    }
}
