//! What a modify changed, field by field, for the audit log. Plain data in,
//! plain data out: no database, no browser.

use crate::model::{ApiKey, FieldChange};

/// The fields of `before` that differ in `after`, as the Activity page
/// shows them. `avatar_replaced` covers a new image on a key that had one
/// (the key alone cannot tell).
pub fn key_changes(before: &ApiKey, after: &ApiKey, avatar_replaced: bool) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut push = |field: &str, b: String, a: String| {
        if b != a {
            changes.push(FieldChange { field: field.into(), before: b, after: a });
        }
    };
    push("Name", before.name.clone(), after.name.clone());
    push("Webhook URL", before.webhook_url.clone(), after.webhook_url.clone());
    push("Accounts", account_names(before), account_names(after));
    push("Expires", expiry(before), expiry(after));
    let avatar = |has: bool| if has { "Image" } else { "Initials" }.to_string();
    if avatar_replaced && before.has_avatar && after.has_avatar {
        changes.push(FieldChange { field: "Avatar".into(), before: "Image".into(), after: "New image".into() });
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
    use crate::model::Account;
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
