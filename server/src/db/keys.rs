//! API keys in Postgres. Every write is one transaction; reads that decide a
//! write lock the row (`FOR UPDATE`) so two operators cannot interleave.

use super::{audit, internal, violates, webhooks};
use app::{
    activity::changes::key_changes,
    auth::Actor,
    domain::{
        avatar::Avatar,
        draft::{field, KeyDraft},
        vault::SealedToken,
    },
    error::AppError,
    model::{Account, ApiKey},
    store::{AvatarChange, KeyStore},
    webhooks::EventType,
};
use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

/// The Postgres implementation of [`KeyStore`].
#[derive(Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: Uuid,
    name: String,
    webhook_url: String,
    blocked: bool,
    version: i64,
    created_at: DateTime<Utc>,
    has_avatar: bool,
    /// `[[id, name], ...]` as JSON, ordered by account name.
    accounts: sqlx::types::Json<Vec<(Uuid, String)>>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    webhook_failing: bool,
}

impl From<KeyRow> for ApiKey {
    fn from(r: KeyRow) -> Self {
        ApiKey {
            id: r.id,
            name: r.name,
            webhook_url: r.webhook_url,
            accounts: r.accounts.0.into_iter().map(|(id, name)| Account { id, name }).collect(),
            blocked: r.blocked,
            has_avatar: r.has_avatar,
            version: r.version,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            webhook_failing: r.webhook_failing,
        }
    }
}

fn gone() -> AppError {
    AppError::NotFound("This API key no longer exists: it was deleted in another tab or by another operator.".into())
}

/// Escapes `%`, `_` and `\` so a search matches them literally.
fn like_pattern(search: &str) -> String {
    let mut out = String::with_capacity(search.len() + 2);
    out.push('%');
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

pub(super) async fn fetch_key(tx: &mut Transaction<'_, Postgres>, id: Uuid) -> Result<ApiKey, AppError> {
    sqlx::query_as::<_, KeyRow>("SELECT * FROM api_key_listing WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?
        .map(ApiKey::from)
        .ok_or_else(gone)
}

/// Replaces the key's accounts; an id that is not an account is a field error.
async fn set_accounts(tx: &mut Transaction<'_, Postgres>, id: Uuid, accounts: &[Uuid]) -> Result<(), AppError> {
    sqlx::query("DELETE FROM api_key_accounts WHERE key_id = $1").bind(id).execute(&mut **tx).await.map_err(internal)?;
    let inserted = sqlx::query(
        "INSERT INTO api_key_accounts (key_id, account_id)
         SELECT $1, a.id FROM accounts a WHERE a.id = ANY($2)",
    )
    .bind(id)
    .bind(accounts)
    .execute(&mut **tx)
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

fn name_taken(err: sqlx::Error, draft: &KeyDraft) -> AppError {
    if violates(&err, "api_keys_name_unique") {
        AppError::invalid(field::NAME, format!("An API key named “{}” already exists.", draft.name))
    } else {
        internal(err)
    }
}

#[async_trait::async_trait]
impl KeyStore for PgStore {
    async fn list_accounts(&self) -> Result<Vec<Account>, AppError> {
        self.accounts().await
    }

    async fn list_keys(&self, search: &str, limit: i64) -> Result<Vec<ApiKey>, AppError> {
        let rows = sqlx::query_as::<_, KeyRow>(
            "SELECT * FROM api_key_listing
             WHERE $1 = '' OR lower(name) LIKE $2 ESCAPE '\\'
             ORDER BY created_at DESC, id DESC
             LIMIT $3",
        )
        .bind(search)
        .bind(like_pattern(search))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        Ok(rows.into_iter().map(ApiKey::from).collect())
    }

    async fn create_key(&self, actor: &Actor, draft: &KeyDraft, avatar: Option<&Avatar>, token: &SealedToken) -> Result<ApiKey, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO api_keys (name, webhook_url, token_hash, token_nonce, token_ciphertext, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(draft.name.as_str())
        .bind(draft.webhook_url.as_str())
        .bind(&token.hash)
        .bind(&token.nonce)
        .bind(&token.ciphertext)
        .bind(draft.expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| name_taken(e, draft))?;
        set_accounts(&mut tx, id, &draft.accounts).await?;
        if let Some(avatar) = avatar {
            sqlx::query("INSERT INTO api_key_avatars (key_id, png) VALUES ($1, $2)")
                .bind(id)
                .bind(avatar.png())
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        let key = fetch_key(&mut tx, id).await?;
        audit::record(&mut tx, actor, audit::Entry::key("key.created", key.id, &key.name)).await?;
        webhooks::enqueue(&mut tx, &key, EventType::Created).await?;
        tx.commit().await.map_err(internal)?;
        Ok(key)
    }

    async fn modify_key(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i64,
        draft: &KeyDraft,
        avatar: &AvatarChange,
    ) -> Result<ApiKey, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM api_keys WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        match current {
            None => return Err(gone()),
            Some(v) if v != expected_version => {
                return Err(AppError::Conflict(
                    "This API key was changed in another tab or by another operator while you were editing it. \
                     The list now shows the latest version; open it again to make your change."
                        .into(),
                ))
            }
            Some(_) => {}
        }
        let before = fetch_key(&mut tx, id).await?;
        sqlx::query(
            "UPDATE api_keys SET name = $2, webhook_url = $3, expires_at = $4, version = version + 1, updated_at = now()
             WHERE id = $1",
        )
        .bind(id)
        .bind(draft.name.as_str())
        .bind(draft.webhook_url.as_str())
        .bind(draft.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| name_taken(e, draft))?;
        set_accounts(&mut tx, id, &draft.accounts).await?;
        match avatar {
            AvatarChange::Keep => {}
            AvatarChange::Remove => {
                sqlx::query("DELETE FROM api_key_avatars WHERE key_id = $1").bind(id).execute(&mut *tx).await.map_err(internal)?;
            }
            AvatarChange::Replace(a) => {
                sqlx::query(
                    "INSERT INTO api_key_avatars (key_id, png) VALUES ($1, $2)
                     ON CONFLICT (key_id) DO UPDATE SET png = EXCLUDED.png, updated_at = now()",
                )
                .bind(id)
                .bind(a.png())
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            }
        }
        let key = fetch_key(&mut tx, id).await?;
        let changes = key_changes(&before, &key, matches!(avatar, AvatarChange::Replace(_)));
        audit::record(&mut tx, actor, audit::Entry { changes, ..audit::Entry::key("key.modified", key.id, &key.name) }).await?;
        webhooks::enqueue(&mut tx, &key, EventType::Modified).await?;
        tx.commit().await.map_err(internal)?;
        Ok(key)
    }

    async fn set_blocked(&self, actor: &Actor, id: Uuid, blocked: bool) -> Result<ApiKey, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let current: Option<bool> = sqlx::query_scalar("SELECT blocked FROM api_keys WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        match current {
            None => return Err(gone()),
            Some(b) if b == blocked => {
                let state = if blocked { "blocked" } else { "unblocked" };
                return Err(AppError::Conflict(format!("This API key was already {state} in another tab or by another operator.")));
            }
            Some(_) => {}
        }
        sqlx::query("UPDATE api_keys SET blocked = $2, version = version + 1, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(blocked)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let key = fetch_key(&mut tx, id).await?;
        let action = if blocked { "key.blocked" } else { "key.unblocked" };
        audit::record(&mut tx, actor, audit::Entry::key(action, key.id, &key.name)).await?;
        webhooks::enqueue(&mut tx, &key, if blocked { EventType::Blocked } else { EventType::Unblocked }).await?;
        tx.commit().await.map_err(internal)?;
        Ok(key)
    }

    async fn delete_key(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        // Locked first, so the `key.deleted` event describes the key as deleted.
        sqlx::query("SELECT 1 FROM api_keys WHERE id = $1 FOR UPDATE").bind(id).execute(&mut *tx).await.map_err(internal)?;
        let key = fetch_key(&mut tx, id).await?;
        let deleted = sqlx::query("DELETE FROM api_keys WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(internal)?;
        if deleted.rows_affected() == 0 {
            return Err(gone());
        }
        audit::record(&mut tx, actor, audit::Entry::key("key.deleted", id, &key.name)).await?;
        webhooks::enqueue(&mut tx, &key, EventType::Deleted).await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn copy_token(&self, actor: &Actor, id: Uuid) -> Result<SealedToken, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let (name, hash, nonce, ciphertext) = sqlx::query_as::<_, (String, Vec<u8>, Vec<u8>, Vec<u8>)>(
            "SELECT name, token_hash, token_nonce, token_ciphertext FROM api_keys WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(gone)?;
        audit::record(&mut tx, actor, audit::Entry::key("key.token_copied", id, &name)).await?;
        tx.commit().await.map_err(internal)?;
        Ok(SealedToken { hash, nonce, ciphertext })
    }

    async fn roll_token(&self, actor: &Actor, id: Uuid, token: &SealedToken, grace: Option<chrono::Duration>) -> Result<ApiKey, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let old_hash: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM api_keys WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .ok_or_else(gone)?;
        // Old tokens past their grace are of no use any more.
        sqlx::query("DELETE FROM api_key_previous_tokens WHERE key_id = $1 AND valid_until <= now()")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        if let Some(grace) = grace {
            sqlx::query(
                "INSERT INTO api_key_previous_tokens (token_hash, key_id, valid_until)
                 VALUES ($1, $2, now() + make_interval(secs => $3))",
            )
            .bind(&old_hash)
            .bind(id)
            .bind(grace.num_seconds() as f64)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        }
        sqlx::query(
            "UPDATE api_keys SET token_hash = $2, token_nonce = $3, token_ciphertext = $4,
                    version = version + 1, updated_at = now()
             WHERE id = $1",
        )
        .bind(id)
        .bind(&token.hash)
        .bind(&token.nonce)
        .bind(&token.ciphertext)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let key = fetch_key(&mut tx, id).await?;
        let grace = serde_json::json!({ "grace_seconds": grace.map(|g| g.num_seconds()) });
        audit::record(&mut tx, actor, audit::Entry { details: Some(grace), ..audit::Entry::key("key.rolled", key.id, &key.name) }).await?;
        webhooks::enqueue(&mut tx, &key, EventType::Rolled).await?;
        tx.commit().await.map_err(internal)?;
        Ok(key)
    }

    async fn avatar(&self, id: Uuid) -> Result<Option<Avatar>, AppError> {
        sqlx::query_scalar::<_, Vec<u8>>("SELECT png FROM api_key_avatars WHERE key_id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map(|png| png.map(Avatar::from_stored))
            .map_err(internal)
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_pattern("Ab"), "%ab%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
