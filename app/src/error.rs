//! The one error type of the app. Server functions return it, and the client
//! receives the variant (not a flattened string), so a dialog can put a
//! validation message next to its field.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// A message that belongs to one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// The value is fine but another record has it (a unique name): the
    /// management API answers 409 instead of 422 for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub taken: bool,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into(), taken: false }
    }

    /// The value of `field` is another record's already.
    pub fn taken(field: &str, message: impl Into<String>) -> Self {
        Self { taken: true, ..Self::new(field, message) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields are invalid; nothing was saved.
    #[error("{}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// The thing acted on does not exist (any more).
    #[error("{0}")]
    NotFound(String),
    /// The thing acted on changed since the operator last saw it.
    #[error("{0}")]
    Conflict(String),
    #[error("Sign in to continue.")]
    Unauthorized,
    /// Refused whoever asks (a request from another site, say).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts in a short time; the message says when to retry.
    #[error("{0}")]
    TooManyRequests(String),
    /// The request was larger than Keyhold accepts there.
    #[error("{0}")]
    TooLarge(String),
    /// Details are in the server log, never sent to the client.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
    /// The request did not reach the server, or its answer could not be read.
    #[error("Could not reach Keyhold: {0}")]
    Transport(String),
}

fn summary(errors: &[FieldError]) -> String {
    match errors {
        [one] => one.message.clone(),
        _ => "Some fields need attention.".into(),
    }
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// `field`'s value belongs to another record already (a taken name).
    pub fn taken(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::taken(field, message)])
    }

    /// True when every field error is a taken value.
    pub fn is_taken(&self) -> bool {
        matches!(self, AppError::Invalid(errors) if !errors.is_empty() && errors.iter().all(|e| e.taken))
    }

    /// The message for `field`, if this error has one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// On the server, makes the current response (a server function's, or
    /// a page's) carry this error's status.
    pub fn set_response_status(&self) {
        #[cfg(feature = "ssr")]
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(self.status()) {
                options.set_status(status);
            }
        }
    }

    /// The HTTP status a server function answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::Unauthorized => 401,
            AppError::TooManyRequests(_) => 429,
            AppError::TooLarge(_) => 413,
            AppError::Forbidden(_) => 403,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let err = match value {
            // Bad arguments are the caller's fault; say so without echoing them.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Transport("the request was malformed".into())
            }
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => AppError::Transport(m),
            _ => AppError::Internal,
        };
        // Arguments that cannot be read fail before the function body (and
        // its `with_status`) runs; without this they would answer 500.
        err.set_response_status();
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_field_error_is_its_own_summary() {
        let e = AppError::invalid("name", "Enter a name.");
        assert_eq!(e.to_string(), "Enter a name.");
        assert_eq!(e.field_message("name").as_deref(), Some("Enter a name."));
        assert_eq!(e.field_message("webhook_url"), None);
    }

    #[test]
    fn statuses_are_client_errors_except_internal() {
        assert_eq!(AppError::invalid("a", "b").status(), 422);
        assert_eq!(AppError::NotFound("x".into()).status(), 404);
        assert_eq!(AppError::Conflict("x".into()).status(), 409);
        assert_eq!(AppError::Internal.status(), 500);
    }
}
