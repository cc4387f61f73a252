//! The Activity page's server function.

use crate::{
    domain::activity::{ActivityEntry, ActivityKey},
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One page of the audit log as the Activity page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub entries: Vec<ActivityEntry>,
    /// The keys there are (and the chosen one, even if deleted), for the filter.
    pub keys: Vec<ActivityKey>,
    /// Set when older entries exist: the `before` of the next page.
    pub older: Option<i64>,
}

/// A page of audit entries, of one key (`key`) or of everything: the newest,
/// or those older than the entry `before`.
#[server(prefix = "/rpc", endpoint = "list_activity")]
pub async fn list_activity(key: Option<Uuid>, before: Option<i64>) -> Result<Activity, AppError> {
    use crate::{
        domain::activity::{ACTIVITY_KEY_MENU, ACTIVITY_PAGE},
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            current_actor()?;
            let services = Services::current()?;
            // One more than a page tells whether there is an older one.
            let mut entries = services.store.activity(key, before, ACTIVITY_PAGE + 1).await?;
            let older = if entries.len() as i64 > ACTIVITY_PAGE {
                entries.truncate(ACTIVITY_PAGE as usize);
                entries.last().map(|e| e.id)
            } else {
                None
            };
            let keys = services.store.activity_keys(key, ACTIVITY_KEY_MENU).await?;
            Ok(Activity { entries, keys, older })
        }
        .await,
    )
}
