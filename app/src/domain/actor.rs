//! Who makes a change, and through which door: every store method that
//! writes takes an [`Actor`], and the audit log records it.

use super::operator::Operator;
use uuid::Uuid;

/// The one acting, by the kind of door they came through. A new door (the
/// management API's tokens, say) is a new variant, so every place that
/// records or shows actors has to say what it does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An operator signed in to the web app.
    Operator { id: Uuid, email: String, address: Option<String> },
    /// Someone at the server's shell (`keyhold key create`, ...).
    CommandLine,
    /// A sign-in that has not succeeded (yet): the email that was typed and,
    /// if it names one, that operator.
    SignInAttempt { email: String, operator_id: Option<Uuid>, address: Option<String> },
    /// A backend calling the management API with a management token;
    /// `label` is "token <name>", as the audit log shows it.
    ManagementToken { id: Uuid, label: String, address: Option<String> },
}

impl Actor {
    /// The signed-in `operator`, acting from `address`.
    pub fn operator(operator: &Operator, address: Option<String>) -> Self {
        Actor::Operator { id: operator.id, email: operator.email.clone(), address }
    }

    /// The management token `id` called `name`, used from `address`.
    pub fn management_token(id: Uuid, name: &str, address: Option<String>) -> Self {
        Actor::ManagementToken { id, label: format!("token {name}"), address }
    }

    /// The kind of door, as the audit log's `actor_kind` column stores it.
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Operator { .. } => "operator",
            Actor::CommandLine => "command_line",
            Actor::SignInAttempt { .. } => "sign_in_attempt",
            Actor::ManagementToken { .. } => "management_token",
        }
    }

    /// The operator acting, if one is.
    pub fn operator_id(&self) -> Option<Uuid> {
        match self {
            Actor::Operator { id, .. } => Some(*id),
            Actor::SignInAttempt { operator_id, .. } => *operator_id,
            Actor::CommandLine | Actor::ManagementToken { .. } => None,
        }
    }

    /// How the audit log names the actor: an email, "command line", or
    /// "token <name>".
    /// Copied into each row so the log still reads right after an operator
    /// is disabled.
    pub fn label(&self) -> &str {
        match self {
            Actor::Operator { email, .. } | Actor::SignInAttempt { email, .. } => email,
            Actor::CommandLine => "command line",
            Actor::ManagementToken { label, .. } => label,
        }
    }

    /// The client's address, when the actor came over HTTP.
    pub fn address(&self) -> Option<&str> {
        match self {
            Actor::Operator { address, .. } | Actor::SignInAttempt { address, .. } | Actor::ManagementToken { address, .. } => {
                address.as_deref()
            }
            Actor::CommandLine => None,
        }
    }

    /// The signed-in operator, for the page header; `None` for other doors.
    pub fn signed_in_operator(&self) -> Option<Operator> {
        match self {
            Actor::Operator { id, email, .. } => Some(Operator { id: *id, email: email.clone() }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_is_recorded_with_their_email_and_address() {
        let op = Operator { id: Uuid::new_v4(), email: "ada@example.com".into() };
        let actor = Actor::operator(&op, Some("10.0.0.1".into()));
        assert_eq!(
            (actor.kind(), actor.operator_id(), actor.label(), actor.address()),
            ("operator", Some(op.id), "ada@example.com", Some("10.0.0.1"))
        );
        assert_eq!(actor.signed_in_operator(), Some(op));
    }

    #[test]
    fn the_command_line_is_no_operator() {
        let actor = Actor::CommandLine;
        assert_eq!((actor.kind(), actor.operator_id(), actor.label(), actor.address()), ("command_line", None, "command line", None));
        assert_eq!(actor.signed_in_operator(), None);
    }

    #[test]
    fn a_management_token_is_named_token_and_its_name() {
        let actor = Actor::management_token(Uuid::nil(), "Billing backend", Some("10.0.0.2".into()));
        assert_eq!(
            (actor.kind(), actor.operator_id(), actor.label(), actor.address()),
            ("management_token", None, "token Billing backend", Some("10.0.0.2"))
        );
        assert_eq!(actor.signed_in_operator(), None);
    }

    #[test]
    fn a_sign_in_attempt_is_not_signed_in() {
        let actor = Actor::SignInAttempt { email: "who@example.com".into(), operator_id: None, address: None };
        assert_eq!(actor.kind(), "sign_in_attempt");
        assert_eq!(actor.label(), "who@example.com");
        assert_eq!(actor.signed_in_operator(), None);
    }
}
