//! A key's editable fields, validated together so the form can show every
//! problem at once.

use super::{expiry::Expiry, key_name::KeyName, webhook_url::WebhookUrl};
use crate::error::FieldError;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Form field names, shared by the dialogs and the server so that error
/// messages land next to the right field.
pub mod field {
    pub const NAME: &str = "name";
    pub const WEBHOOK_URL: &str = "webhook_url";
    pub const ACCOUNTS: &str = "accounts";
    pub const AVATAR: &str = "avatar";
    pub const EXPIRES: &str = "expires";
}

/// What the operator typed, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyInput {
    pub name: String,
    pub webhook_url: String,
    pub accounts: Vec<String>,
    /// `YYYY-MM-DD`, or empty for a key that never expires.
    pub expires: String,
}

/// A validated set of key fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDraft {
    pub name: KeyName,
    pub webhook_url: WebhookUrl,
    /// Distinct, in the order given; never empty.
    pub accounts: Vec<Uuid>,
    /// When the key stops verifying; `None` for never.
    pub expires_at: Option<DateTime<Utc>>,
}

impl KeyDraft {
    /// Validates against today's date (UTC).
    pub fn parse(input: &KeyInput) -> Result<Self, Vec<FieldError>> {
        Self::parse_on(input, Utc::now().date_naive())
    }

    /// Validates as if today were `today` (expiry must be later).
    pub fn parse_on(input: &KeyInput, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = KeyName::parse(&input.name).map_err(|m| errors.push(FieldError::new(field::NAME, m))).ok();
        let webhook_url = WebhookUrl::parse(&input.webhook_url).map_err(|m| errors.push(FieldError::new(field::WEBHOOK_URL, m))).ok();
        let accounts = parse_accounts(&input.accounts).map_err(|m| errors.push(FieldError::new(field::ACCOUNTS, m))).ok();
        let expiry = Expiry::parse(&input.expires, today).map_err(|m| errors.push(FieldError::new(field::EXPIRES, m))).ok();
        match (name, webhook_url, accounts, expiry) {
            (Some(name), Some(webhook_url), Some(accounts), Some(expiry)) if errors.is_empty() => {
                Ok(KeyDraft { name, webhook_url, accounts, expires_at: expiry.at() })
            }
            _ => Err(errors),
        }
    }
}

fn parse_accounts(raw: &[String]) -> Result<Vec<Uuid>, String> {
    let mut ids = Vec::with_capacity(raw.len());
    for value in raw {
        let id = Uuid::parse_str(value.trim()).map_err(|_| "Choose accounts from the list.".to_string())?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err("Choose at least one account.".into());
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "6f1c1f4e-4a43-4d55-9c1e-3c1a7c0e9b11";

    fn input(name: &str, url: &str, accounts: &[&str]) -> KeyInput {
        KeyInput {
            name: name.into(),
            webhook_url: url.into(),
            accounts: accounts.iter().map(|s| s.to_string()).collect(),
            expires: String::new(),
        }
    }

    #[test]
    fn a_complete_input_becomes_a_draft() {
        let draft = KeyDraft::parse(&input(" Billing ", "https://x.io/h", &[ACCOUNT, ACCOUNT])).unwrap();
        assert_eq!(draft.name.as_str(), "Billing");
        assert_eq!(draft.accounts, vec![Uuid::parse_str(ACCOUNT).unwrap()]);
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let errors = KeyDraft::parse(&input("", "nope", &[])).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec![field::NAME, field::WEBHOOK_URL, field::ACCOUNTS]);
    }

    #[test]
    fn at_least_one_account_is_required() {
        let errors = KeyDraft::parse(&input("a", "https://x.io", &[])).unwrap_err();
        assert_eq!(errors, vec![FieldError::new(field::ACCOUNTS, "Choose at least one account.")]);
    }

    #[test]
    fn an_expiry_date_must_be_after_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut i = input("a", "https://x.io", &[ACCOUNT]);
        i.expires = "2026-11-26".into();
        let errors = KeyDraft::parse_on(&i, today).unwrap_err();
        assert_eq!(errors[0].field, field::EXPIRES);
        i.expires = "2026-12-24".into();
        let draft = KeyDraft::parse_on(&i, today).unwrap();
        assert_eq!(draft.expires_at.unwrap().to_rfc3339(), "2026-12-24T00:00:00+00:00");
    }

    #[test]
    fn account_ids_must_be_uuids() {
        let errors = KeyDraft::parse(&input("a", "https://x.io", &["1; drop table"])).unwrap_err();
        assert_eq!(errors[0].field, field::ACCOUNTS);
    }
}
