//! Who calls the management API: the bearer token checked against the
//! database on every request (so a revoked token is refused by every server
//! at once, whatever it cached), the per-token rate limit, and read-only
//! tokens kept to reads.

use super::{door::Door, problem::Problem};
use crate::client;
use app::{
    domain::{
        actor::Actor,
        management_token::{Access, ManagementToken, LAST_USED_EVERY},
        wait::whole_seconds,
    },
    store::ManagementTokenStore,
};
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

/// The caller of a management API request, put in its extensions.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token_id: Uuid,
    pub access: Access,
    /// "token <name>" for the audit log.
    pub actor: Actor,
}

impl Caller {
    /// `Ok` for a token that may change things; 403 otherwise.
    pub fn may_write(&self) -> Result<(), Problem> {
        match self.access.allows_writes() {
            true => Ok(()),
            false => Err(Problem::read_only()),
        }
    }
}

const HOW_TO_SEND: &str =
    "Send a management token as \"Authorization: Bearer khm_...\"; `keyhold token create` or the Tokens page makes one.";

/// The token in `Authorization: Bearer ...`, well-formed (checksum included).
fn presented(headers: &HeaderMap) -> Result<ManagementToken, Problem> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| Problem::unauthorized(format!("No token was sent. {HOW_TO_SEND}")))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| Problem::unauthorized(format!("The Authorization header must be \"Bearer <token>\". {HOW_TO_SEND}")))?;
    ManagementToken::parse(token).map_err(|_| Problem::unauthorized(format!("This is not a management token. {HOW_TO_SEND}")))
}

/// Authenticates the request, applies the token's rate limit and, for a
/// read-only token, refuses every method that changes something.
pub async fn authenticate(State(door): State<Door>, mut request: Request, next: Next) -> Response {
    let reads = request.method() == Method::GET || request.method() == Method::HEAD;
    let address = client::of_request(&request).map(|ip| ip.to_string());
    match caller(&door, request.headers(), reads, address).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(problem) => problem.into_response(),
    }
}

async fn caller(door: &Door, headers: &HeaderMap, reads: bool, address: Option<String>) -> Result<Caller, Problem> {
    let token = presented(headers)?;
    let store = &door.state.store;
    let found = store.management_token_by_hash(&token.hash()).await?;
    let now = chrono::Utc::now();
    let Some(found) = found.filter(|t| t.is_usable(now)) else {
        return Err(Problem::unauthorized("This management token is unknown, revoked or expired."));
    };
    door.rate_limit.check(found.id).map_err(|wait| Problem::rate_limited(whole_seconds(wait)))?;
    if !reads && !found.access.allows_writes() {
        return Err(Problem::read_only());
    }
    if found.last_used_at.is_none_or(|at| now - at >= LAST_USED_EVERY) {
        store.record_management_token_use(found.id).await?;
    }
    Ok(Caller { token_id: found.id, access: found.access, actor: Actor::management_token(found.id, &found.name, address) })
}
