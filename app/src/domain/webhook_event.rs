//! Webhook events: their types, and the body every receiver gets,
//! `{"type", "timestamp", "data"}`, where `data` describes the key as it is
//! after the change (as it was, for `key.deleted`). Never the token: an
//! `ApiKey` does not hold it.

use super::key::ApiKey;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// What happened to a key; the `type` of a webhook event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    #[serde(rename = "key.created")]
    Created,
    #[serde(rename = "key.modified")]
    Modified,
    #[serde(rename = "key.blocked")]
    Blocked,
    #[serde(rename = "key.unblocked")]
    Unblocked,
    #[serde(rename = "key.deleted")]
    Deleted,
    #[serde(rename = "key.rolled")]
    Rolled,
    /// 7 days and 1 day before the key's `expires_at`.
    #[serde(rename = "key.expiring")]
    Expiring,
    /// Sent on request from the Deliveries dialog.
    #[serde(rename = "key.test")]
    Test,
}

impl EventType {
    pub const ALL: [EventType; 8] = [
        EventType::Created,
        EventType::Modified,
        EventType::Blocked,
        EventType::Unblocked,
        EventType::Deleted,
        EventType::Rolled,
        EventType::Expiring,
        EventType::Test,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Created => "key.created",
            EventType::Modified => "key.modified",
            EventType::Blocked => "key.blocked",
            EventType::Unblocked => "key.unblocked",
            EventType::Deleted => "key.deleted",
            EventType::Rolled => "key.rolled",
            EventType::Expiring => "key.expiring",
            EventType::Test => "key.test",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON body of `event` about `key`, happening at `at`. `extra` fields
/// (such as `expires_in_days`) are added to `data`.
pub fn event_body(event: EventType, key: &ApiKey, at: DateTime<Utc>, extra: Map<String, Value>) -> String {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut data = json!({
        "id": key.id,
        "name": key.name,
        "webhook_url": key.webhook_url,
        "accounts": key.accounts.iter().map(|a| json!({ "id": a.id, "name": a.name })).collect::<Vec<_>>(),
        "status": key.status(at).as_str(),
        "created_at": time(key.created_at),
        "expires_at": key.expires_at.map(time),
    });
    if let Value::Object(fields) = &mut data {
        fields.extend(extra);
    }
    json!({ "type": event.as_str(), "timestamp": time(at), "data": data }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key::Account;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn key() -> ApiKey {
        ApiKey {
            id: Uuid::nil(),
            name: "Payments".into(),
            webhook_url: "https://hooks.example.com/k".into(),
            accounts: vec![Account { id: Uuid::nil(), name: "Default".into() }],
            blocked: false,
            has_avatar: false,
            version: 3,
            created_at: Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
            expires_at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()),
            last_used_at: None,
            webhook_failing: false,
        }
    }

    #[test]
    fn the_body_names_the_event_the_time_and_the_key() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap();
        let body: Value = serde_json::from_str(&event_body(EventType::Blocked, &key(), at, Map::new())).unwrap();
        assert_eq!(
            body,
            json!({
                "type": "key.blocked",
                "timestamp": "2026-11-26T14:00:00.000Z",
                "data": {
                    "id": "00000000-0000-0000-0000-000000000000",
                    "name": "Payments",
                    "webhook_url": "https://hooks.example.com/k",
                    "accounts": [{ "id": "00000000-0000-0000-0000-000000000000", "name": "Default" }],
                    "status": "active",
                    "created_at": "2026-11-01T08:00:00.000Z",
                    "expires_at": "2026-12-01T00:00:00.000Z",
                }
            })
        );
    }

    #[test]
    fn the_status_is_blocked_before_expired_before_active() {
        let mut k = key();
        let before = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
        let status = |k: &ApiKey, at| {
            serde_json::from_str::<Value>(&event_body(EventType::Modified, k, at, Map::new())).unwrap()["data"]["status"].clone()
        };
        assert_eq!(status(&k, before), "active");
        assert_eq!(status(&k, after), "expired");
        k.blocked = true;
        assert_eq!(status(&k, after), "blocked");
    }

    #[test]
    fn event_types_read_back_from_their_names() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), serde_json::json!(e.as_str()));
        }
        assert_eq!(EventType::parse("key.unknown"), None);
    }

    #[test]
    fn extra_fields_join_the_data() {
        let mut extra = Map::new();
        extra.insert("expires_in_days".into(), json!(7));
        let body: Value = serde_json::from_str(&event_body(EventType::Expiring, &key(), Utc::now(), extra)).unwrap();
        assert_eq!(body["data"]["expires_in_days"], 7);
        assert_eq!(body["type"], "key.expiring");
    }
}
