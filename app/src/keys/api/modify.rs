use crate::{error::AppError, model::ApiKey};
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

/// Saves the "Modify API Key" form. The form carries the version it was
/// opened at, so a change made meanwhile in another tab is not overwritten.
#[server(prefix = "/rpc", endpoint = "modify_key", input = MultipartFormData)]
pub async fn modify_key(data: MultipartData) -> Result<ApiKey, AppError> {
    use super::form::KeyForm;
    use crate::store::{with_status, AvatarChange, Services};
    with_status(
        async {
            let services = Services::current()?;
            let actor = crate::auth::Actor::current()?;
            let form = KeyForm::read(data).await?;
            let (id, version) = form.identity()?;
            let remove = form.remove_avatar;
            let (draft, avatar) = form.validate(services.allow_private_webhooks).await?;
            let change = match (avatar, remove) {
                (Some(avatar), _) => AvatarChange::Replace(avatar),
                (None, true) => AvatarChange::Remove,
                (None, false) => AvatarChange::Keep,
            };
            services.store.modify_key(&actor, id, version, &draft, &change).await
        }
        .await,
    )
}
