//! Operators and who did what: the signed-in operator as the page shows it,
//! the sign-in page, and (on the server) the actor every change is recorded
//! under.

pub mod api;
pub mod login_page;
#[cfg(feature = "ssr")]
pub mod throttle;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The operator a page is rendered for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: Uuid,
    pub email: String,
}

/// Key of the signed-in [`Operator`] (id and email) in the session record.
pub const SESSION_OPERATOR: &str = "operator";

/// Who makes a change, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub operator_id: Option<Uuid>,
    /// Copied so the log still reads right if the operator is renamed or disabled.
    pub operator_email: Option<String>,
    /// The client's address, when the change came over HTTP.
    pub address: Option<String>,
}

impl Actor {
    pub fn operator(operator: &Operator, address: Option<String>) -> Self {
        Actor { operator_id: Some(operator.id), operator_email: Some(operator.email.clone()), address }
    }

    /// A change made from the shell (`keyhold key create`, ...).
    pub fn command_line() -> Self {
        Actor { operator_id: None, operator_email: Some("command line".into()), address: None }
    }
}

#[cfg(feature = "ssr")]
impl Actor {
    /// The signed-in operator of the current request. The server's sign-in
    /// guard puts it in the request before any server function runs; its
    /// absence means the request was not signed in.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Actor>().cloned())
            .ok_or(crate::error::AppError::Unauthorized)
    }

    /// The client's address of the current request, if known.
    pub fn current_address() -> Option<String> {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<ClientAddress>().map(|a| a.0.clone()))
    }
}

/// The client's address, put in the request by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);
