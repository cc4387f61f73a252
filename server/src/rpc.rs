//! Server-function answers made outside a server function (a refusal by a
//! middleware before the function runs), shaped exactly as server_fn's own
//! error answers, so the page shows the error's message.

use app::error::AppError;
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

/// Prefix of every server function's path.
pub const PREFIX: &str = "/rpc/";

/// True when `path` is a server function's.
pub fn is_server_fn(path: &str) -> bool {
    path.starts_with(PREFIX)
}

/// The answer of the server function at `path` failing with `err`.
pub fn error_response(path: &str, err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let path = HeaderValue::from_str(path).unwrap_or_else(|_| HeaderValue::from_static("/rpc"));
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::HeaderName::from_static(SERVER_FN_ERROR_HEADER), path),
        ],
        err.ser(),
    )
        .into_response()
}
