//! A key's editable fields, validated together so the form can show every
//! problem at once.

#[cfg(feature = "ssr")]
use super::{expiry::Expiry, names::KeyName, webhook_url::WebhookUrl};
#[cfg(feature = "ssr")]
use crate::error::FieldError;
#[cfg(feature = "ssr")]
use chrono::{DateTime, NaiveDate, Utc};
#[cfg(feature = "ssr")]
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

/// A validated set of key fields. Built only by [`KeyDraft::parse`], the
/// one validation every door uses, so a draft's webhook URL has passed the
/// webhook policy.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDraft {
    name: KeyName,
    webhook_url: WebhookUrl,
    accounts: Vec<Uuid>,
    expires_at: Option<DateTime<Utc>>,
}

#[cfg(feature = "ssr")]
impl KeyDraft {
    /// Validates every field against today's date (UTC), collecting all
    /// messages; then, unless `policy` allows private addresses, refuses a
    /// webhook URL that reaches inside the server's network.
    pub async fn parse(input: &KeyInput, policy: &super::address::WebhookPolicy) -> Result<Self, Vec<FieldError>> {
        let draft = Self::parse_on(input, Utc::now().date_naive())?;
        policy
            .check_at_save(draft.webhook_url.as_str())
            .await
            .map_err(|refusal| vec![FieldError::new(field::WEBHOOK_URL, refusal.to_string())])?;
        Ok(draft)
    }

    pub fn name(&self) -> &KeyName {
        &self.name
    }

    pub fn webhook_url(&self) -> &WebhookUrl {
        &self.webhook_url
    }

    /// Distinct, in the order given; never empty.
    pub fn accounts(&self) -> &[Uuid] {
        &self.accounts
    }

    /// When the key stops verifying; `None` for never.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// The field rules alone, as if today were `today` (expiry must be later).
    fn parse_on(input: &KeyInput, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
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

#[cfg(feature = "ssr")]
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    const ACCOUNT: &str = "6f1c1f4e-4a43-4d55-9c1e-3c1a7c0e9b11";

    fn parse(input: &KeyInput) -> Result<KeyDraft, Vec<FieldError>> {
        KeyDraft::parse_on(input, Utc::now().date_naive())
    }

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
        let draft = parse(&input(" Billing ", "https://x.io/h", &[ACCOUNT, ACCOUNT])).unwrap();
        assert_eq!(draft.name.as_str(), "Billing");
        assert_eq!(draft.accounts, vec![Uuid::parse_str(ACCOUNT).unwrap()]);
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let errors = parse(&input("", "nope", &[])).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec![field::NAME, field::WEBHOOK_URL, field::ACCOUNTS]);
    }

    #[test]
    fn at_least_one_account_is_required() {
        let errors = parse(&input("a", "https://x.io", &[])).unwrap_err();
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

    #[tokio::test]
    async fn the_webhook_policy_is_applied_when_a_draft_is_parsed() {
        use crate::domain::address::WebhookPolicy;
        let i = input("a", "http://127.0.0.1:9000/", &[ACCOUNT]);
        let errors = KeyDraft::parse(&i, &WebhookPolicy::STRICT).await.unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, field::WEBHOOK_URL);
        assert!(KeyDraft::parse(&i, &WebhookPolicy::ALLOW_PRIVATE).await.is_ok());
    }

    #[test]
    fn account_ids_must_be_uuids() {
        let errors = parse(&input("a", "https://x.io", &["1; drop table"])).unwrap_err();
        assert_eq!(errors[0].field, field::ACCOUNTS);
    }
}
