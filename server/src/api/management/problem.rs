//! Errors of the management API as `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail` and, for validation, `errors` with
//! the messages the pages show, under the API's (camelCase) field names.

use app::error::{AppError, FieldError};
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The request's field, such as `webhookUrl`.
    #[schema(example = "name")]
    pub field: String,
    #[schema(example = "Enter a name.")]
    pub message: String,
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Names the kind of problem, such as `urn:keyhold:problem:validation`.
    #[serde(rename = "type")]
    #[schema(example = "urn:keyhold:problem:validation")]
    pub kind: String,
    #[schema(example = "The request is not valid")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong, for a person to read.
    #[schema(example = "Enter a name.")]
    pub detail: String,
    /// Each invalid field (validation problems only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Seconds to wait (also in `Retry-After`), when rate limited.
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// Sent as `WWW-Authenticate` with a 401.
    #[serde(skip)]
    pub authenticate: bool,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:keyhold:problem:{kind}"),
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            authenticate: false,
        }
    }

    /// 400: the body is not JSON, or not of the documented shape.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", "The request cannot be read", detail)
    }

    /// 401, with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Problem { authenticate: true, ..Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "Not authenticated", detail) }
    }

    /// 403: a read-only token asked for a change.
    pub fn read_only() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "read-only-token",
            "This token may only read",
            "This management token is read only; use a token with read and write access for changes.",
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 412: `If-Match` names another version than the current one.
    pub fn stale(current: i64) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "stale-version",
            "The resource has changed",
            format!("The key is at version {current} now; read it again and retry with If-Match: \"{current}\"."),
        )
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "The request is too large", format!("Send at most {} KiB.", limit / 1024))
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        Problem {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                format!("This management token is over its rate limit; retry in {retry_after} s."),
            )
        }
    }

    /// 422 with these field messages, each named as the API names it.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let errors: Vec<ProblemField> =
            errors.into_iter().map(|e| ProblemField { field: api_field(&e.field), message: e.message }).collect();
        let detail = match errors.as_slice() {
            [one] => one.message.clone(),
            _ => "Some fields need attention.".into(),
        };
        Problem { errors, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "The request is not valid", detail) }
    }

    /// 422 on one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Server error", AppError::Internal.to_string())
    }
}

/// The pages' form field names as the API's JSON names them.
pub fn api_field(field: &str) -> String {
    match field {
        "webhook_url" => "webhookUrl".into(),
        "expires" => "expiresAt".into(),
        "grace" => "gracePeriod".into(),
        other => other.into(),
    }
}

impl From<AppError> for Problem {
    fn from(err: AppError) -> Self {
        match err {
            // A unique name another record has: the value is fine, the state is not.
            AppError::Invalid(errors) if errors.iter().all(|e| e.taken) && !errors.is_empty() => {
                let detail = errors[0].message.clone();
                let errors = errors.into_iter().map(|e| ProblemField { field: api_field(&e.field), message: e.message }).collect();
                Problem { errors, ..Self::new(StatusCode::CONFLICT, "conflict", "The name is taken", detail) }
            }
            AppError::Invalid(errors) => Self::invalid(errors),
            AppError::NotFound(detail) => Self::not_found(detail),
            AppError::Conflict(detail) => Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail),
            AppError::Unauthorized => Self::unauthorized("Send a management token: Authorization: Bearer khm_..."),
            AppError::Forbidden(detail) => Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail),
            AppError::TooManyRequests(detail) => Self::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests", detail),
            AppError::TooLarge(detail) => Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "The request is too large", detail),
            AppError::Transport(detail) => Self::bad_request(detail),
            AppError::Internal => Self::internal(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.authenticate {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"keyhold\""));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_is_a_conflict_and_other_field_errors_are_validation() {
        let taken = Problem::from(AppError::taken("name", "An API key named “A” already exists."));
        assert_eq!((taken.status, taken.errors[0].field.as_str()), (409, "name"));
        let invalid = Problem::from(AppError::Invalid(vec![
            FieldError::new("name", "Enter a name."),
            FieldError::new("webhook_url", "Enter a URL."),
        ]));
        assert_eq!(invalid.status, 422);
        assert_eq!(invalid.detail, "Some fields need attention.");
        let fields: Vec<&str> = invalid.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "webhookUrl"]);
    }

    #[test]
    fn the_body_has_the_rfc_9457_members() {
        let json = serde_json::to_value(Problem::invalid_field("expires", "Choose a date after today.")).unwrap();
        assert_eq!(json["type"], "urn:keyhold:problem:validation");
        assert_eq!(json["status"], 422);
        assert_eq!(json["errors"][0]["field"], "expiresAt");
        assert!(json.get("retry_after").is_none() && json.get("retryAfter").is_none());
        let plain = serde_json::to_value(Problem::not_found("No such key.")).unwrap();
        assert!(plain.get("errors").is_none());
    }
}
