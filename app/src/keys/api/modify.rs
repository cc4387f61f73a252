use crate::{domain::key::ApiKey, error::AppError};
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

/// Saves the "Modify API Key" form. The form carries the version it was
/// opened at, so a change made meanwhile in another tab is not overwritten.
#[server(prefix = "/rpc", endpoint = "modify_key", input = MultipartFormData)]
pub async fn modify_key(data: MultipartData) -> Result<ApiKey, AppError> {
    use super::form::KeyForm;
    use crate::{
        domain::key_change::{AvatarChange, KeyChange, KeyOperation},
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = current_actor()?;
            let form = KeyForm::read(data).await?;
            let (id, version) = form.identity()?;
            let remove = form.remove_avatar;
            let (draft, avatar) = form.validate(&services.settings.webhook_policy).await?;
            let avatar = match (avatar, remove) {
                (Some(avatar), _) => AvatarChange::Replace(avatar),
                (None, true) => AvatarChange::Remove,
                (None, false) => AvatarChange::Keep,
            };
            services.store.change_key(&actor, id, &KeyChange::at_version(KeyOperation::Modify { draft, avatar }, version)).await
        }
        .await,
    )
}
