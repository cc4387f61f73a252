//! What the audit log records: the actions (one enum, written to the
//! database by name) and, for a modify, what changed field by field. Plain
//! data in, plain data out: no database, no browser.

use super::key::ApiKey;
use serde::{Deserialize, Serialize};

/// Something an actor did, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    #[serde(rename = "key.created")]
    KeyCreated,
    #[serde(rename = "key.modified")]
    KeyModified,
    #[serde(rename = "key.token_copied")]
    KeyTokenCopied,
    #[serde(rename = "key.blocked")]
    KeyBlocked,
    #[serde(rename = "key.unblocked")]
    KeyUnblocked,
    #[serde(rename = "key.rolled")]
    KeyRolled,
    #[serde(rename = "key.deleted")]
    KeyDeleted,
    #[serde(rename = "key.webhook_secret_copied")]
    WebhookSecretCopied,
    #[serde(rename = "key.webhook_secret_regenerated")]
    WebhookSecretRegenerated,
    #[serde(rename = "key.webhook_test_sent")]
    WebhookTestSent,
    #[serde(rename = "key.webhook_resent")]
    WebhookResent,
    #[serde(rename = "account.created")]
    AccountCreated,
    #[serde(rename = "account.renamed")]
    AccountRenamed,
    #[serde(rename = "account.deleted")]
    AccountDeleted,
    #[serde(rename = "operator.signed_in")]
    SignedIn,
    #[serde(rename = "operator.sign_in_failed")]
    SignInFailed,
    #[serde(rename = "operator.signed_out")]
    SignedOut,
    #[serde(rename = "operator.created")]
    OperatorCreated,
    #[serde(rename = "operator.disabled")]
    OperatorDisabled,
    #[serde(rename = "operator.enabled")]
    OperatorEnabled,
    #[serde(rename = "operator.password_set")]
    OperatorPasswordSet,
    #[serde(rename = "management_token.created")]
    ManagementTokenCreated,
    #[serde(rename = "management_token.revoked")]
    ManagementTokenRevoked,
}

impl AuditAction {
    pub const ALL: [AuditAction; 23] = [
        AuditAction::KeyCreated,
        AuditAction::KeyModified,
        AuditAction::KeyTokenCopied,
        AuditAction::KeyBlocked,
        AuditAction::KeyUnblocked,
        AuditAction::KeyRolled,
        AuditAction::KeyDeleted,
        AuditAction::WebhookSecretCopied,
        AuditAction::WebhookSecretRegenerated,
        AuditAction::WebhookTestSent,
        AuditAction::WebhookResent,
        AuditAction::AccountCreated,
        AuditAction::AccountRenamed,
        AuditAction::AccountDeleted,
        AuditAction::SignedIn,
        AuditAction::SignInFailed,
        AuditAction::SignedOut,
        AuditAction::OperatorCreated,
        AuditAction::OperatorDisabled,
        AuditAction::OperatorEnabled,
        AuditAction::OperatorPasswordSet,
        AuditAction::ManagementTokenCreated,
        AuditAction::ManagementTokenRevoked,
    ];

    /// The name stored in the audit log, such as `key.modified`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::KeyCreated => "key.created",
            AuditAction::KeyModified => "key.modified",
            AuditAction::KeyTokenCopied => "key.token_copied",
            AuditAction::KeyBlocked => "key.blocked",
            AuditAction::KeyUnblocked => "key.unblocked",
            AuditAction::KeyRolled => "key.rolled",
            AuditAction::KeyDeleted => "key.deleted",
            AuditAction::WebhookSecretCopied => "key.webhook_secret_copied",
            AuditAction::WebhookSecretRegenerated => "key.webhook_secret_regenerated",
            AuditAction::WebhookTestSent => "key.webhook_test_sent",
            AuditAction::WebhookResent => "key.webhook_resent",
            AuditAction::AccountCreated => "account.created",
            AuditAction::AccountRenamed => "account.renamed",
            AuditAction::AccountDeleted => "account.deleted",
            AuditAction::SignedIn => "operator.signed_in",
            AuditAction::SignInFailed => "operator.sign_in_failed",
            AuditAction::SignedOut => "operator.signed_out",
            AuditAction::OperatorCreated => "operator.created",
            AuditAction::OperatorDisabled => "operator.disabled",
            AuditAction::OperatorEnabled => "operator.enabled",
            AuditAction::OperatorPasswordSet => "operator.password_set",
            AuditAction::ManagementTokenCreated => "management_token.created",
            AuditAction::ManagementTokenRevoked => "management_token.revoked",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// What the Activity page calls it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::KeyCreated => "Created key",
            AuditAction::KeyModified => "Modified key",
            AuditAction::KeyTokenCopied => "Copied token",
            AuditAction::KeyBlocked => "Blocked key",
            AuditAction::KeyUnblocked => "Unblocked key",
            AuditAction::KeyRolled => "Rolled token",
            AuditAction::KeyDeleted => "Deleted key",
            AuditAction::WebhookSecretCopied => "Copied signing secret",
            AuditAction::WebhookSecretRegenerated => "Regenerated signing secret",
            AuditAction::WebhookTestSent => "Sent test event",
            AuditAction::WebhookResent => "Resent delivery",
            AuditAction::AccountCreated => "Created account",
            AuditAction::AccountRenamed => "Renamed account",
            AuditAction::AccountDeleted => "Deleted account",
            AuditAction::SignedIn => "Signed in",
            AuditAction::SignInFailed => "Failed sign-in",
            AuditAction::SignedOut => "Signed out",
            AuditAction::OperatorCreated => "Created operator",
            AuditAction::OperatorDisabled => "Disabled operator",
            AuditAction::OperatorEnabled => "Enabled operator",
            AuditAction::OperatorPasswordSet => "Set operator's password",
            AuditAction::ManagementTokenCreated => "Created management token",
            AuditAction::ManagementTokenRevoked => "Revoked management token",
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field's value before and after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl FieldChange {
    pub fn new(field: &str, before: impl Into<String>, after: impl Into<String>) -> Self {
        Self { field: field.into(), before: before.into(), after: after.into() }
    }
}

/// The fields of `before` that differ in `after`, as the Activity page
/// shows them. `avatar_replaced` covers a new image on a key that had one
/// (the key alone cannot tell).
pub fn key_changes(before: &ApiKey, after: &ApiKey, avatar_replaced: bool) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut push = |field: &str, b: String, a: String| {
        if b != a {
            changes.push(FieldChange::new(field, b, a));
        }
    };
    push("Name", before.name.clone(), after.name.clone());
    push("Webhook URL", before.webhook_url.clone(), after.webhook_url.clone());
    push("Accounts", account_names(before), account_names(after));
    push("Expires", expiry(before), expiry(after));
    let avatar = |has: bool| if has { "Image" } else { "Initials" }.to_string();
    if avatar_replaced && before.has_avatar && after.has_avatar {
        changes.push(FieldChange::new("Avatar", "Image", "New image"));
    } else {
        push("Avatar", avatar(before.has_avatar), avatar(after.has_avatar));
    }
    changes
}

fn account_names(key: &ApiKey) -> String {
    if key.accounts.is_empty() {
        return "None".into();
    }
    key.accounts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn expiry(key: &ApiKey) -> String {
    key.expires_at.map_or_else(|| "Never".into(), |at| at.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key::Account;
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    fn key() -> ApiKey {
        ApiKey {
            id: Uuid::nil(),
            name: "Billing".into(),
            webhook_url: "https://example.com/a".into(),
            accounts: vec![Account { id: Uuid::nil(), name: "Default".into() }],
            blocked: false,
            has_avatar: false,
            version: 1,
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            expires_at: None,
            last_used_at: None,
            webhook_failing: false,
        }
    }

    #[test]
    fn every_action_reads_back_from_its_name_and_has_a_label() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert_eq!(serde_json::to_value(action).unwrap(), serde_json::json!(action.as_str()));
            assert!(!action.label().is_empty());
        }
        assert_eq!(AuditAction::parse("key.exploded"), None);
    }

    #[test]
    fn an_unchanged_key_has_no_changes() {
        assert!(key_changes(&key(), &key(), false).is_empty());
    }

    #[test]
    fn each_changed_field_is_listed_with_before_and_after() {
        let before = key();
        let mut after = key();
        after.name = "Billing v2".into();
        after.accounts.clear();
        after.expires_at = Some(Utc.with_ymd_and_hms(2027, 3, 4, 0, 0, 0).unwrap());
        after.has_avatar = true;
        let changes = key_changes(&before, &after, true);
        let fields: Vec<_> = changes.iter().map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("Name", "Billing", "Billing v2"),
                ("Accounts", "Default", "None"),
                ("Expires", "Never", "2027-03-04"),
                ("Avatar", "Initials", "Image"),
            ]
        );
    }

    #[test]
    fn a_replaced_image_is_a_change_even_though_both_have_one() {
        let mut before = key();
        before.has_avatar = true;
        let changes = key_changes(&before, &before.clone(), true);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].after, "New image");
    }
}
