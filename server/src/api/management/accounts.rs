//! `/api/v1/accounts/...`: the Accounts page's operations, through the
//! same `AccountName::parse` and store methods.

use super::{auth::Caller, body, door::Door, problem::Problem};
use app::{
    domain::{account::AccountUsage, names::AccountName},
    error::AppError,
    store::AccountStore,
};
use axum::{
    body::Body,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Extension, Json,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An account and how many keys grant it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountBody {
    pub id: Uuid,
    #[schema(example = "Acme Corp")]
    pub name: String,
    pub key_count: i64,
}

impl From<AccountUsage> for AccountBody {
    fn from(a: AccountUsage) -> Self {
        AccountBody { id: a.id, name: a.name, key_count: a.key_count }
    }
}

/// Every account, by name ignoring case.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountBody>,
}

/// An account's name: unique ignoring case, 1–100 characters.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NameBody {
    #[serde(default)]
    #[schema(example = "Acme Corp")]
    pub name: String,
}

fn no_such_account() -> Problem {
    Problem::not_found("No account has this id.")
}

fn account_id(raw: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw).map_err(|_| no_such_account())
}

fn problem(err: AppError) -> Problem {
    match err {
        AppError::NotFound(_) => no_such_account(),
        other => other.into(),
    }
}

fn name(request: &NameBody) -> Result<AccountName, Problem> {
    AccountName::parse(&request.name).map_err(|m| Problem::invalid_field("name", m))
}

/// List accounts.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    operation_id = "listAccounts",
    tag = "management",
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "Every account, by name", body = AccountList),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn list(State(door): State<Door>) -> Result<Json<AccountList>, Problem> {
    let accounts = door.state.store.account_usage().await?;
    Ok(Json(AccountList { items: accounts.into_iter().map(AccountBody::from).collect() }))
}

/// Create an account.
#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    operation_id = "createAccount",
    tag = "management",
    request_body(content = NameBody, content_type = "application/json"),
    security(("managementToken" = [])),
    responses(
        (status = 201, description = "The account", body = AccountBody),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the key changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large (64 KiB of JSON, 1 MiB of image)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; `errors` says which, with the Keys page's messages", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn create(State(door): State<Door>, Extension(caller): Extension<Caller>, body: Body) -> Result<Response, Problem> {
    let request: NameBody = body::json(body).await?;
    let created = door.state.store.create_account(&caller.actor, &name(&request)?).await.map_err(problem)?;
    Ok((StatusCode::CREATED, Json(AccountBody::from(created))).into_response())
}

/// Rename an account.
#[utoipa::path(
    patch,
    path = "/api/v1/accounts/{id}",
    operation_id = "renameAccount",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    request_body(content = NameBody, content_type = "application/json"),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The account, renamed", body = AccountBody),
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
pub async fn rename(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<AccountBody>, Problem> {
    let id = account_id(&id)?;
    let request: NameBody = body::json(body).await?;
    let renamed = door.state.store.rename_account(&caller.actor, id, &name(&request)?).await.map_err(problem)?;
    Ok(Json(renamed.into()))
}

/// Delete an account; the keys that granted it lose it.
#[utoipa::path(
    delete,
    path = "/api/v1/accounts/{id}",
    operation_id = "deleteAccount",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    security(("managementToken" = [])),
    responses(
        (status = 204, description = "Deleted; keys that granted it lost it"),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn delete(State(door): State<Door>, Extension(caller): Extension<Caller>, Path(id): Path<String>) -> Result<Response, Problem> {
    door.state.store.delete_account(&caller.actor, account_id(&id)?).await.map_err(problem)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
