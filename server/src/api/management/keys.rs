//! `/api/v1/keys/...`: the Keys page's operations for a backend. Each
//! handler parses the request into the same domain types the page and the
//! shell use (`KeyDraft::parse`, `GracePeriod::parse`, `Avatar::from_upload`),
//! calls one store method (the same transaction with its audit row, webhook
//! event and cache invalidation), and formats the answer.

use super::{
    auth::Caller,
    body::{self, present, MAX_JSON_BYTES},
    door::Door,
    problem::Problem,
    query,
};
use app::{
    domain::{
        avatar::{self, Avatar},
        draft::{KeyDraft, KeyInput},
        grace::GracePeriod,
        key::ApiKey,
        key_change::{AvatarChange, CreatedOnce, Idempotency, KeyChange, KeyOperation, NewKey},
        key_query::{param, ListParams, PageLink},
        key_status::KeyStatus,
        token::Token,
        vault::SealedToken,
    },
    error::AppError,
    store::KeyStore,
};
use axum::{
    body::Body,
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An account a key grants.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountRef {
    pub id: Uuid,
    pub name: String,
}

/// An API key. Never holds its token.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    pub id: Uuid,
    #[schema(example = "Payments")]
    pub name: String,
    #[schema(example = "https://payments.example.com/hooks")]
    pub webhook_url: String,
    pub accounts: Vec<AccountRef>,
    pub status: KeyStatus,
    pub created_at: DateTime<Utc>,
    /// When the key stops verifying; `null` for never.
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub has_avatar: bool,
    /// Bumped by every change; also the `ETag`.
    pub version: i64,
}

impl Key {
    pub fn of(key: &ApiKey, now: DateTime<Utc>) -> Self {
        Key {
            id: key.id,
            name: key.name.clone(),
            webhook_url: key.webhook_url.clone(),
            accounts: key.accounts.iter().map(|a| AccountRef { id: a.id, name: a.name.clone() }).collect(),
            status: key.status(now),
            created_at: key.created_at,
            expires_at: key.expires_at,
            last_used_at: key.last_used_at,
            has_avatar: key.has_avatar,
            version: key.version,
        }
    }
}

/// A key with its token: shown when the key is made or its token rolled.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyWithToken {
    pub key: Key,
    #[schema(example = "kh_8dJ2kq0VYbnX3Lr7TzWm1cHfPs5AaE6u1j0o2G")]
    pub token: String,
}

/// A key's token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenBody {
    #[schema(example = "kh_8dJ2kq0VYbnX3Lr7TzWm1cHfPs5AaE6u1j0o2G")]
    pub token: String,
}

/// A new key. Validated as on the Keys page.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateKey {
    /// Unique (ignoring case), 1–100 characters.
    #[serde(default)]
    #[schema(example = "Payments")]
    pub name: String,
    /// Where the key's events are sent: an http(s) URL.
    #[serde(default)]
    #[schema(example = "https://payments.example.com/hooks")]
    pub webhook_url: String,
    /// Ids of the accounts the key grants; at least one.
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub accounts: Vec<String>,
    /// The day the key stops verifying (`YYYY-MM-DD`, or a timestamp at
    /// midnight UTC); after today, within 10 years. Absent or `null`: never.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2027-01-31")]
    pub expires_at: Option<String>,
}

/// A change to a key: only the fields sent change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatchKey {
    pub name: Option<String>,
    pub webhook_url: Option<String>,
    #[schema(value_type = Option<Vec<Uuid>>)]
    pub accounts: Option<Vec<String>>,
    /// `YYYY-MM-DD`; `null` makes the key never expire.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "2027-01-31")]
    pub expires_at: Option<Option<String>>,
}

/// How long the old token keeps verifying after a roll.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RollKey {
    #[serde(default)]
    #[schema(example = "24h", pattern = "^(none|1h|24h|7d)$")]
    pub grace_period: String,
}

/// The answer for an id that names no key.
pub fn no_such_key() -> Problem {
    Problem::not_found("No API key has this id.")
}

/// A path segment as a key id; anything else names no key.
pub fn key_id(raw: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw).map_err(|_| no_such_key())
}

/// The store's error, with "not found" said as the API says it.
fn problem(err: AppError) -> Problem {
    match err {
        AppError::NotFound(_) => no_such_key(),
        other => other.into(),
    }
}

/// `200` with the key and its `ETag`.
fn key_response(status: StatusCode, key: &ApiKey) -> Response {
    let mut response = (status, Json(Key::of(key, Utc::now()))).into_response();
    response.headers_mut().insert(header::ETAG, etag(key.version));
    response
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("a number is a valid header value")
}

/// A secret in the body: never cached.
fn secret_response(status: StatusCode, body: impl Serialize) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The version `If-Match` names (`"3"`, `W/"3"` or `3`), if sent.
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    text.trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| Problem::bad_request("If-Match must name a version as the ETag gives it, such as If-Match: \"3\"."))
}

/// One page of keys, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyList {
    pub items: Vec<Key>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The query of `GET /api/v1/keys`, for the document; the handler reads the
/// raw query itself so that every mistake is a problem+json answer.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListKeysQuery {
    /// Keys whose name contains this text, ignoring case.
    q: Option<String>,
    /// Only keys in this state.
    #[param(pattern = "^(active|blocked|expired|webhook-failing)$")]
    status: Option<String>,
    /// Only keys granting this account.
    account: Option<Uuid>,
    /// Keys a page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `nextCursor` of the page before.
    cursor: Option<String>,
}

/// The list's parameters and page size from the raw query string.
fn list_params(raw: Option<&str>) -> Result<(ListParams, i64), Problem> {
    let mut params = ListParams::default();
    let mut limit = query::DEFAULT_LIMIT;
    for (name, value) in query::pairs(raw) {
        match name.as_str() {
            "q" => params.q = value,
            // Sent but empty is a mistake (the document allows no empty
            // value); leaving the parameter out means every status or account.
            "status" if value.trim().is_empty() => {
                return Err(Problem::invalid_field("status", "status must be active, blocked, expired or webhook-failing."))
            }
            "account" if value.trim().is_empty() => return Err(Problem::invalid_field("account", "account must be the id of an account.")),
            "status" => params.status = value,
            "account" => params.account = value,
            "cursor" => params.after = value,
            "limit" => limit = query::limit(&value)?,
            _ => {}
        }
    }
    Ok((params, limit))
}

/// The store's refusal of a list's parameters, said for an API caller.
fn list_problem(err: AppError) -> Problem {
    match err {
        AppError::Invalid(errors) if errors.iter().any(|e| e.field == param::CURSOR) => Problem::invalid_field(
            "cursor",
            "This cursor is damaged or comes from another list. Leave it out to start from the first page.",
        ),
        AppError::Invalid(errors) if errors.iter().any(|e| e.field == param::ACCOUNT) => {
            Problem::invalid_field("account", "account must be the id of an account.")
        }
        other => other.into(),
    }
}

/// List API keys, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/keys",
    operation_id = "listKeys",
    tag = "management",
    params(ListKeysQuery),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "One page of keys, newest first; stable while keys are added", body = KeyList),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid; `errors` says which", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn list(State(door): State<Door>, RawQuery(query): RawQuery) -> Result<Json<KeyList>, Problem> {
    let (params, limit) = list_params(query.as_deref())?;
    let query = params.parse(limit).map_err(list_problem)?;
    let page = door.state.store.list_keys(&query).await.map_err(list_problem)?;
    let now = Utc::now();
    let next_cursor = match page.next {
        Some(PageLink::After(cursor)) => Some(cursor),
        _ => None,
    };
    Ok(Json(KeyList { items: page.keys.iter().map(|key| Key::of(key, now)).collect(), next_cursor }))
}

/// The key, refusing with 412 when `If-Match` names another version.
async fn current(door: &Door, id: Uuid, expected: Option<i64>) -> Result<ApiKey, Problem> {
    let key = door.state.store.key(id).await.map_err(problem)?;
    match expected {
        Some(version) if version != key.version => Err(Problem::stale(key.version)),
        _ => Ok(key),
    }
}

/// The expiry as the page's date field holds it: `YYYY-MM-DD`; a
/// timestamp at midnight UTC is taken as its date, anything else is passed
/// on for the page's rule to refuse.
fn expiry_field(value: &str) -> String {
    match DateTime::parse_from_rfc3339(value.trim()) {
        Ok(at) if at.with_timezone(&Utc).time() == NaiveTime::MIN => at.with_timezone(&Utc).format("%Y-%m-%d").to_string(),
        _ => value.to_owned(),
    }
}

/// The key's fields as the Modify dialog opens with them.
fn input_of(key: &ApiKey) -> KeyInput {
    KeyInput {
        name: key.name.clone(),
        webhook_url: key.webhook_url.clone(),
        accounts: key.accounts.iter().map(|a| a.id.to_string()).collect(),
        expires: key.expires_at.map(|at| at.format("%Y-%m-%d").to_string()).unwrap_or_default(),
    }
}

async fn draft(door: &Door, input: &KeyInput) -> Result<KeyDraft, Problem> {
    KeyDraft::parse(input, &door.state.settings.webhook_policy).await.map_err(Problem::invalid)
}

/// Applies a change decided on `key` (at its version); a change made
/// meanwhile is 412 when the caller named the version, 409 otherwise.
async fn change(door: &Door, caller: &Caller, key: &ApiKey, operation: KeyOperation, named: bool) -> Result<ApiKey, Problem> {
    let change = KeyChange::at_version(operation, key.version);
    match door.state.store.change_key(&caller.actor, key.id, &change).await {
        Err(AppError::Conflict(_)) if named => {
            let now = door.state.store.key(key.id).await.map_err(problem)?;
            Err(Problem::stale(now.version))
        }
        other => other.map_err(problem),
    }
}

/// The `Idempotency-Key` header, if sent: 1–255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    match value.to_str() {
        Ok(text) if (1..=255).contains(&text.trim().len()) => Ok(Some(text.trim().to_owned())),
        _ => Err(Problem::bad_request("Idempotency-Key must be 1–255 visible ASCII characters, such as a UUID.")),
    }
}

/// Create an API key.
#[utoipa::path(
    post,
    path = "/api/v1/keys",
    operation_id = "createKey",
    tag = "management",
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeating a request with the same key within 24 hours returns the same key and token")),
    request_body(content = CreateKey, content_type = "application/json"),
    security(("managementToken" = [])),
    responses(
        (status = 201, description = "The key and its token (shown this once to the caller)", body = KeyWithToken, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the key changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large (64 KiB of JSON, 1 MiB of image)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; `errors` says which, with the Keys page's messages", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn create(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let idempotency = idempotency_key(&headers)?;
    let bytes = body::read(body, MAX_JSON_BYTES).await?;
    let request: CreateKey = body::parse(&bytes)?;
    let input = KeyInput {
        name: request.name.clone(),
        webhook_url: request.webhook_url.clone(),
        accounts: request.accounts.clone(),
        expires: request.expires_at.as_deref().map(expiry_field).unwrap_or_default(),
    };
    let draft = draft(&door, &input).await?;
    let vault = &door.state.services.vault;
    let token = Token::generate();
    let new = NewKey { draft, avatar: None, token: vault.seal(&token) };
    let store = &door.state.store;
    let (key, token) = match idempotency {
        None => (store.create_key(&caller.actor, &new).await.map_err(Problem::from)?, token),
        Some(key) => {
            use sha2::{Digest, Sha256};
            let content = serde_json::to_vec(&request).map_err(|_| Problem::internal())?;
            let once = Idempotency { scope: caller.token_id, key, fingerprint: Sha256::digest(&content).to_vec() };
            match store.create_key_once(&caller.actor, &new, &once).await.map_err(Problem::from)? {
                CreatedOnce::New(key) => (key, token),
                CreatedOnce::Earlier(key, sealed) => (key, open(&door, &sealed)?),
            }
        }
    };
    let mut response = secret_response(StatusCode::CREATED, KeyWithToken { key: Key::of(&key, Utc::now()), token: token.expose().into() });
    response.headers_mut().insert(header::ETAG, etag(key.version));
    Ok(response)
}

fn open(door: &Door, sealed: &SealedToken) -> Result<Token, Problem> {
    door.state.services.vault.open(sealed).map_err(|err| {
        tracing::error!(%err, "cannot open a stored token");
        Problem::internal()
    })
}

/// Get one API key.
#[utoipa::path(
    get,
    path = "/api/v1/keys/{id}",
    operation_id = "getKey",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key", body = Key, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn get(State(door): State<Door>, Path(id): Path<String>) -> Result<Response, Problem> {
    let key = door.state.store.key(key_id(&id)?).await.map_err(problem)?;
    Ok(key_response(StatusCode::OK, &key))
}

/// Change an API key's name, webhook URL, accounts or expiry.
#[utoipa::path(
    patch,
    path = "/api/v1/keys/{id}",
    operation_id = "patchKey",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id"), ("If-Match" = Option<String>, Header, description = "Only if the key is still at this version (its ETag, such as \"3\")")),
    request_body(content = PatchKey, content_type = "application/json"),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key afterwards", body = Key, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the key changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large (64 KiB of JSON, 1 MiB of image)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; `errors` says which, with the Keys page's messages", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn patch(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let id = key_id(&id)?;
    let expected = if_match(&headers)?;
    let request: PatchKey = body::json(body).await?;
    let key = current(&door, id, expected).await?;
    let mut input = input_of(&key);
    if let Some(name) = request.name {
        input.name = name;
    }
    if let Some(url) = request.webhook_url {
        input.webhook_url = url;
    }
    if let Some(accounts) = request.accounts {
        input.accounts = accounts;
    }
    if let Some(expires) = request.expires_at {
        input.expires = expires.as_deref().map(expiry_field).unwrap_or_default();
    }
    let draft = draft(&door, &input).await?;
    let changed = change(&door, &caller, &key, KeyOperation::Modify { draft, avatar: AvatarChange::Keep }, expected.is_some()).await?;
    Ok(key_response(StatusCode::OK, &changed))
}

/// Delete an API key for good.
#[utoipa::path(
    delete,
    path = "/api/v1/keys/{id}",
    operation_id = "deleteKey",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id"), ("If-Match" = Option<String>, Header, description = "Only if the key is still at this version (its ETag, such as \"3\")")),
    security(("managementToken" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the key changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn delete(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let expected = if_match(&headers)?;
    let key = current(&door, key_id(&id)?, expected).await?;
    change(&door, &caller, &key, KeyOperation::Delete, expected.is_some()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Block (`true`) or unblock a key; doing it twice is the same as once.
async fn set_blocked(door: &Door, caller: &Caller, id: &str, block: bool) -> Result<Response, Problem> {
    let store = &door.state.store;
    let key = store.key(key_id(id)?).await.map_err(problem)?;
    if key.blocked == block {
        return Ok(key_response(StatusCode::OK, &key));
    }
    let operation = if block { KeyOperation::Block } else { KeyOperation::Unblock };
    let key = match store.change_key(&caller.actor, key.id, &KeyChange::new(operation)).await {
        Ok(key) => key,
        // Someone else did the same meanwhile.
        Err(AppError::Conflict(_)) => store.key(key.id).await.map_err(problem)?,
        Err(err) => return Err(problem(err)),
    };
    Ok(key_response(StatusCode::OK, &key))
}

/// Block a key: it stops verifying at once.
#[utoipa::path(
    post,
    path = "/api/v1/keys/{id}/block",
    operation_id = "blockKey",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key, blocked", body = Key, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn block(State(door): State<Door>, Extension(caller): Extension<Caller>, Path(id): Path<String>) -> Result<Response, Problem> {
    set_blocked(&door, &caller, &id, true).await
}

/// Unblock a key.
#[utoipa::path(
    post,
    path = "/api/v1/keys/{id}/unblock",
    operation_id = "unblockKey",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key, not blocked", body = Key, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn unblock(State(door): State<Door>, Extension(caller): Extension<Caller>, Path(id): Path<String>) -> Result<Response, Problem> {
    set_blocked(&door, &caller, &id, false).await
}

/// Give a key a new token.
#[utoipa::path(
    post,
    path = "/api/v1/keys/{id}/roll",
    operation_id = "rollKey",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    request_body(content = RollKey, content_type = "application/json"),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key and its new token", body = KeyWithToken, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the key changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large (64 KiB of JSON, 1 MiB of image)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; `errors` says which, with the Keys page's messages", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn roll(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, Problem> {
    let id = key_id(&id)?;
    let request: RollKey = body::json(body).await?;
    let grace = GracePeriod::parse(&request.grace_period).map_err(|m| Problem::invalid_field("grace", m))?;
    let token = Token::generate();
    let operation = KeyOperation::Roll { token: door.state.services.vault.seal(&token), grace: grace.duration() };
    let key = door.state.store.change_key(&caller.actor, id, &KeyChange::new(operation)).await.map_err(problem)?;
    let mut response = secret_response(StatusCode::OK, KeyWithToken { key: Key::of(&key, Utc::now()), token: token.expose().into() });
    response.headers_mut().insert(header::ETAG, etag(key.version));
    Ok(response)
}

/// A key's token ("Copy token"); audited. Read-and-write tokens only.
#[utoipa::path(
    get,
    path = "/api/v1/keys/{id}/token",
    operation_id = "getKeyToken",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key's token (audited as copied)", body = TokenBody),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn token(State(door): State<Door>, Extension(caller): Extension<Caller>, Path(id): Path<String>) -> Result<Response, Problem> {
    caller.may_write()?;
    let sealed = door.state.store.copy_token(&caller.actor, key_id(&id)?).await.map_err(problem)?;
    let token = open(&door, &sealed)?;
    Ok(secret_response(StatusCode::OK, TokenBody { token: token.expose().into() }))
}

/// Upload a key's avatar: the raw image as the body (PNG, JPEG, WebP or
/// GIF, at most 1 MiB), as on the Keys page.
#[utoipa::path(
    put,
    path = "/api/v1/keys/{id}/avatar",
    operation_id = "putKeyAvatar",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id"), ("If-Match" = Option<String>, Header, description = "Only if the key is still at this version (its ETag, such as \"3\")")),
    request_body(content = String, content_type = "application/octet-stream", description = "The image file: PNG, JPEG, WebP or GIF, at most 1 MiB"),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key with its new avatar", body = Key, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the key changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large (64 KiB of JSON, 1 MiB of image)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; `errors` says which, with the Keys page's messages", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn put_avatar(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let id = key_id(&id)?;
    let expected = if_match(&headers)?;
    let bytes = body::read(body, avatar::MAX_BYTES).await?;
    // Decoding is CPU work: keep it off the async workers.
    let decoded = tokio::task::spawn_blocking(move || Avatar::from_upload(&bytes)).await.map_err(|_| Problem::internal())?;
    let image = decoded.map_err(|m| Problem::invalid_field("avatar", m))?;
    set_avatar(&door, &caller, id, expected, AvatarChange::Replace(image)).await
}

/// Remove a key's avatar (it shows its initials again).
#[utoipa::path(
    delete,
    path = "/api/v1/keys/{id}/avatar",
    operation_id = "deleteKeyAvatar",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id"), ("If-Match" = Option<String>, Header, description = "Only if the key is still at this version (its ETag, such as \"3\")")),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The key, showing its initials", body = Key, headers(("ETag" = String, description = "The key's version, such as \"3\""))),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the key changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; `errors` says which, with the Keys page's messages", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn delete_avatar(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let expected = if_match(&headers)?;
    set_avatar(&door, &caller, key_id(&id)?, expected, AvatarChange::Remove).await
}

async fn set_avatar(door: &Door, caller: &Caller, id: Uuid, expected: Option<i64>, avatar: AvatarChange) -> Result<Response, Problem> {
    let key = current(door, id, expected).await?;
    let draft = draft(door, &input_of(&key)).await?;
    let changed = change(door, caller, &key, KeyOperation::Modify { draft, avatar }, expected.is_some()).await?;
    Ok(key_response(StatusCode::OK, &changed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_is_a_date_or_a_timestamp_at_midnight_utc() {
        assert_eq!(expiry_field("2027-01-31"), "2027-01-31");
        assert_eq!(expiry_field("2027-01-31T00:00:00Z"), "2027-01-31");
        assert_eq!(expiry_field("2027-01-31T01:00:00+01:00"), "2027-01-31");
        // Anything else goes to the page's rule, which refuses it.
        assert_eq!(expiry_field("2027-01-31T12:00:00Z"), "2027-01-31T12:00:00Z");
    }

    #[test]
    fn if_match_names_a_version() {
        let mut headers = HeaderMap::new();
        assert_eq!(if_match(&headers).unwrap(), None);
        for value in ["\"3\"", "W/\"3\"", "3"] {
            headers.insert(header::IF_MATCH, HeaderValue::from_static(value));
            assert_eq!(if_match(&headers).unwrap(), Some(3), "{value}");
        }
        headers.insert(header::IF_MATCH, HeaderValue::from_static("\"x\""));
        assert_eq!(if_match(&headers).unwrap_err().status, 400);
    }
}
