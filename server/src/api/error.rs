//! Errors of the JSON API (`/api/v1/...`): a status and `{"error": "..."}`.
//! Server functions have their own error type (`app::error::AppError`).

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request is not what the endpoint accepts; the message says what is.
    #[error("{0}")]
    BadRequest(String),
    /// Over the per-client rate limit.
    #[error("Too many requests from this address; retry in {retry_after} s.")]
    RateLimited { retry_after: u64 },
    /// Details are in the server log, never sent to the client.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
}

/// The body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    #[schema(example = "The body must be JSON like {\"key\": \"kh_...\"}.")]
    pub error: String,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<app::error::AppError> for ApiError {
    /// The store has already logged what went wrong.
    fn from(_: app::error::AppError) -> Self {
        ApiError::Internal
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(ErrorBody { error: self.to_string() })).into_response();
        if let ApiError::RateLimited { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
