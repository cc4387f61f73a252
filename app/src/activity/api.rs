//! The Activity page's server function.

use crate::{
    domain::activity::{ActivityEntry, ActivityKey},
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The audit log as the Activity page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub entries: Vec<ActivityEntry>,
    /// Every key the log mentions, for the filter.
    pub keys: Vec<ActivityKey>,
}

/// The newest audit entries, of one key (`key`) or of everything.
#[server(prefix = "/rpc", endpoint = "list_activity")]
pub async fn list_activity(key: Option<Uuid>) -> Result<Activity, AppError> {
    use crate::{
        domain::activity::ACTIVITY_LIMIT,
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            current_actor()?;
            let services = Services::current()?;
            let entries = services.store.activity(key, ACTIVITY_LIMIT).await?;
            let keys = services.store.activity_keys().await?;
            Ok(Activity { entries, keys })
        }
        .await,
    )
}
