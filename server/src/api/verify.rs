//! `POST /api/v1/keys/verify`: is this token a usable key? Answers 200 for
//! every well-formed request, valid or not, so a caller branches on `code`
//! alone; 400 only when the request itself is unreadable. The token is never
//! logged.

use super::error::{ApiError, ErrorBody};
use crate::{
    client,
    state::AppState,
    verify::{rate_limit::UNKNOWN_CLIENT, Verification},
};
use app::domain::{client_address::rate_key, verification::Code, wait::whole_seconds};
use axum::{
    body::Bytes,
    extract::{Request, State},
    http::{header, HeaderMap},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

pub const PATH: &str = "/api/v1/keys/verify";

// Documents the body; `presented_token` reads it (strictly: an object).
/// The token to verify. It may instead be sent as `Authorization: Bearer <token>` with an empty body.
#[derive(utoipa::ToSchema)]
pub struct VerifyRequest {
    #[schema(example = "kh_8dJ2kq0VYbnX3Lr7TzWm1cHfPs5AaE6u1j0o2G")]
    pub key: String,
}

/// An account the key grants access to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerifiedAccount {
    pub id: Uuid,
    pub name: String,
}

/// The verdict. `keyId`, `name`, `accounts` and `expiresAt` are present
/// exactly when the token belongs to a key (`expiresAt` is `null` for a key
/// that never expires).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResponse {
    /// True exactly when `code` is `VALID`.
    pub valid: bool,
    pub code: Code,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<VerifiedAccount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

impl From<Verification> for VerifyResponse {
    fn from(v: Verification) -> Self {
        let key = v.key.as_deref();
        VerifyResponse {
            valid: v.code.is_valid(),
            code: v.code,
            key_id: key.map(|k| k.id),
            name: key.map(|k| k.name.clone()),
            accounts: key.map(|k| k.accounts.iter().map(|a| VerifiedAccount { id: a.id, name: a.name.clone() }).collect()),
            expires_at: key.map(|k| k.expires_at),
        }
    }
}

/// Verify an API key.
///
/// Send the token as `{"key": "kh_..."}`, or as `Authorization: Bearer
/// kh_...` with no body. A token with a wrong checksum is `MALFORMED`
/// without a database look-up. Answers are cached per server and
/// invalidated within milliseconds of any change.
#[utoipa::path(
    post,
    path = "/api/v1/keys/verify",
    tag = "keys",
    request_body(content = Option<VerifyRequest>, content_type = "application/json"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The verdict, valid or not", body = VerifyResponse),
        (status = 400, description = "No token was sent, or the body is not `{\"key\": \"...\"}`", body = ErrorBody),
        (status = 413, description = "The body is larger than 4 KiB"),
        (status = 429, description = "Over the per-address limit (`KEYHOLD_VERIFY_RATE_LIMIT` a second, default 100)",
            body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
        (status = 500, description = "The database could not be read", body = ErrorBody),
    )
)]
pub async fn verify(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<VerifyResponse>, ApiError> {
    let presented = presented_token(&headers, &body)?;
    let verification = state.verifier.verify(&state.store, &presented).await?;
    Ok(Json(verification.into()))
}

/// Refuses a client over its per-second budget before its body is read.
/// The client is the one [`client::decide`] named (an IPv6 client counts
/// by its /64); without one (the router driven in-process) all requests
/// share one budget.
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let client = client::of_request(&request).map_or(UNKNOWN_CLIENT, rate_key);
    match state.verifier.rate_limit.check(client) {
        Ok(()) => next.run(request).await,
        Err(wait) => ApiError::RateLimited { retry_after: whole_seconds(wait) }.into_response(),
    }
}

const HOW_TO_SEND: &str = "Send the token as a JSON body {\"key\": \"kh_...\"} or in an \"Authorization: Bearer kh_...\" header.";

/// The token from the body, or else from the `Authorization` header.
pub fn presented_token(headers: &HeaderMap, body: &[u8]) -> Result<String, ApiError> {
    if !body.trim_ascii().is_empty() {
        // serde's message is not passed on: it may quote what was sent.
        let json: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| ApiError::BadRequest(format!("The body is not valid JSON. {HOW_TO_SEND}")))?;
        // An object, not an array (serde would take `["kh_..."]` for a struct).
        return json
            .get("key")
            .and_then(|key| key.as_str())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::BadRequest(format!("The body must be a JSON object with a string field \"key\". {HOW_TO_SEND}")));
    }
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::BadRequest(format!("No token was sent. {HOW_TO_SEND}")));
    };
    authorization
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .ok_or_else(|| ApiError::BadRequest(format!("The Authorization header must be \"Bearer <token>\". {HOW_TO_SEND}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn bearer(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_token_is_read_from_a_json_body() {
        assert_eq!(presented_token(&HeaderMap::new(), br#"{"key": "kh_abc"}"#), Ok("kh_abc".into()));
    }

    #[test]
    fn the_token_is_read_from_a_bearer_header_when_the_body_is_empty() {
        assert_eq!(presented_token(&bearer("Bearer kh_abc"), b""), Ok("kh_abc".into()));
        assert_eq!(presented_token(&bearer("bearer kh_abc"), b" \n"), Ok("kh_abc".into()));
    }

    #[test]
    fn a_body_takes_precedence_over_the_header() {
        assert_eq!(presented_token(&bearer("Bearer kh_header"), br#"{"key":"kh_body"}"#), Ok("kh_body".into()));
    }

    #[test]
    fn a_request_without_a_token_is_refused() {
        assert!(matches!(presented_token(&HeaderMap::new(), b""), Err(ApiError::BadRequest(_))));
        assert!(matches!(presented_token(&bearer("Basic dXNlcjpwYXNz"), b""), Err(ApiError::BadRequest(_))));
    }

    #[test]
    fn a_body_that_is_not_the_expected_json_is_refused_without_quoting_it() {
        for body in [&b"kh_secret"[..], br#"{"key": 5}"#, br#"["kh_secret"]"#, br#"{"token": "kh_secret"}"#] {
            match presented_token(&HeaderMap::new(), body) {
                Err(ApiError::BadRequest(message)) => assert!(!message.contains("secret"), "{message}"),
                other => panic!("expected BadRequest for {body:?}, got {other:?}"),
            }
        }
    }
}
