//! The changes a key can undergo, as every door (the Keys page, the shell,
//! and later the management API and bulk actions) hands them to the store.
//! Each is carried out as one transaction: the key's row locked, the change
//! made, its version bumped, one audit row and one webhook event written,
//! and the key as it is afterwards returned.

use super::{audit::AuditAction, avatar::Avatar, draft::KeyDraft, vault::SealedToken, webhook_event::EventType};
use chrono::Duration;

/// A key to create: its fields, an optional avatar and its sealed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    pub draft: KeyDraft,
    pub avatar: Option<Avatar>,
    pub token: SealedToken,
}

/// A create that must happen at most once: the management API's
/// `Idempotency-Key`, per token. A repeat within 24 hours with the same
/// `fingerprint` (the request's content) answers with the key made first; a
/// repeat with another fingerprint is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// Whose key space: the management token's id.
    pub scope: uuid::Uuid,
    pub key: String,
    pub fingerprint: Vec<u8>,
}

/// How long an `Idempotency-Key` is remembered.
pub const IDEMPOTENCY_WINDOW: Duration = Duration::hours(24);

/// What an idempotent create did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreatedOnce {
    /// Made the key now.
    New(super::key::ApiKey),
    /// An earlier request with the same key made this one; its token as
    /// stored now.
    Earlier(super::key::ApiKey, SealedToken),
}

/// What a modify does to the avatar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvatarChange {
    Keep,
    Remove,
    Replace(Avatar),
}

/// One change to an existing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOperation {
    /// Every editable field at once (a door offering partial updates merges
    /// them into the key it read, and names that key's version).
    Modify { draft: KeyDraft, avatar: AvatarChange },
    /// Stops verifying at once. `Conflict` if the key is blocked already.
    Block,
    /// `Conflict` if the key is not blocked.
    Unblock,
    /// A new token; the old one keeps verifying for `grace`, if any, and with
    /// no grace every earlier token stops at once.
    Roll { token: SealedToken, grace: Option<Duration> },
    /// Gone for good; the store answers with the key as it was.
    Delete,
}

impl KeyOperation {
    /// What the audit log records.
    pub fn audit_action(&self) -> AuditAction {
        match self {
            KeyOperation::Modify { .. } => AuditAction::KeyModified,
            KeyOperation::Block => AuditAction::KeyBlocked,
            KeyOperation::Unblock => AuditAction::KeyUnblocked,
            KeyOperation::Roll { .. } => AuditAction::KeyRolled,
            KeyOperation::Delete => AuditAction::KeyDeleted,
        }
    }

    /// The webhook event it sends.
    pub fn event(&self) -> EventType {
        match self {
            KeyOperation::Modify { .. } => EventType::Modified,
            KeyOperation::Block => EventType::Blocked,
            KeyOperation::Unblock => EventType::Unblocked,
            KeyOperation::Roll { .. } => EventType::Rolled,
            KeyOperation::Delete => EventType::Deleted,
        }
    }
}

/// A [`KeyOperation`] and, optionally, the version of the key it was
/// decided on: when the key is at another version by the time the change
/// runs, the store refuses with `Conflict` instead of overwriting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChange {
    pub operation: KeyOperation,
    pub expected_version: Option<i64>,
}

impl KeyChange {
    /// The change, whatever the key's version.
    pub fn new(operation: KeyOperation) -> Self {
        Self { operation, expected_version: None }
    }

    /// The change, only if the key is still at `version`.
    pub fn at_version(operation: KeyOperation, version: i64) -> Self {
        Self { operation, expected_version: Some(version) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_is_audited_and_sent_under_its_own_name() {
        let pairs = [(KeyOperation::Block, "key.blocked"), (KeyOperation::Unblock, "key.unblocked"), (KeyOperation::Delete, "key.deleted")];
        for (op, name) in pairs {
            assert_eq!(op.audit_action().as_str(), name);
            assert_eq!(op.event().as_str(), name);
        }
    }
}
