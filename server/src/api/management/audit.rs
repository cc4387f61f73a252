//! `GET /api/v1/audit`: the audit log the Activity page shows, newest
//! first, a page at a time.

use super::{door::Door, problem::Problem, query};
use app::{domain::activity::ActivityEntry, store::AuditStore};
use axum::{
    extract::{RawQuery, State},
    Json,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// One field a change touched.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// One line of the audit log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// What happened, such as `key.created` or `key.blocked`.
    #[schema(example = "key.blocked")]
    pub action: String,
    /// Who did it: an operator's email, "command line", "token <name>", or
    /// for a failed sign-in the email that was tried.
    #[schema(example = "token Billing backend")]
    pub actor: Option<String>,
    /// The client address the change came from, when known.
    pub address: Option<String>,
    pub key_id: Option<Uuid>,
    /// The key's name at the time.
    pub key_name: Option<String>,
    pub account_name: Option<String>,
    /// The management token created or revoked.
    pub token_name: Option<String>,
    pub changes: Vec<AuditChange>,
}

impl From<ActivityEntry> for AuditEntry {
    fn from(e: ActivityEntry) -> Self {
        AuditEntry {
            id: e.id,
            at: e.at,
            action: e.action.as_str().into(),
            actor: e.actor,
            address: e.address,
            key_id: e.key_id,
            key_name: e.key_name,
            account_name: e.account_name,
            token_name: e.token_name,
            changes: e.changes.into_iter().map(|c| AuditChange { field: c.field, before: c.before, after: c.after }).collect(),
        }
    }
}

/// One page of the audit log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditList {
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for older entries; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The query of `GET /api/v1/audit`, for the document; the handler reads
/// the raw query so every mistake is a problem+json answer.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditQuery {
    /// Only what happened to this key (also after it was deleted).
    #[param(rename = "keyId")]
    key_id: Option<Uuid>,
    /// Entries a page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `nextCursor` of the page before.
    cursor: Option<String>,
}

/// What a page asks for: the key, the entry to start below, the page size.
struct Asked {
    key: Option<Uuid>,
    before: Option<i64>,
    limit: i64,
}

fn asked(raw: Option<&str>) -> Result<Asked, Problem> {
    let mut asked = Asked { key: None, before: None, limit: query::DEFAULT_LIMIT };
    for (name, value) in query::pairs(raw) {
        let value = value.trim();
        match name.as_str() {
            "keyId" => {
                let id = Uuid::try_parse(value).map_err(|_| Problem::invalid_field("keyId", "keyId must be the id of an API key."))?;
                asked.key = Some(id);
            }
            "cursor" if !value.is_empty() => {
                let id = value.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                    Problem::invalid_field("cursor", "This cursor is damaged. Leave it out to start from the newest entry.")
                })?;
                asked.before = Some(id);
            }
            "limit" => asked.limit = query::limit(value)?,
            _ => {}
        }
    }
    Ok(asked)
}

/// Read the audit log, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    operation_id = "listAudit",
    tag = "management",
    params(AuditQuery),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "One page of the audit log, newest first", body = AuditList),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid; `errors` says which", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn list(State(door): State<Door>, RawQuery(query): RawQuery) -> Result<Json<AuditList>, Problem> {
    let Asked { key, before, limit } = asked(query.as_deref())?;
    let mut entries = door.state.store.activity(key, before, limit + 1).await?;
    let next_cursor = if entries.len() as i64 > limit {
        entries.truncate(limit as usize);
        entries.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(Json(AuditList { items: entries.into_iter().map(AuditEntry::from).collect(), next_cursor }))
}
