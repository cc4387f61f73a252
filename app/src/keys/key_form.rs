//! The fields shared by the "New API Key" and "Modify API Key" dialogs.

use crate::{
    domain::key::{Account, ApiKey},
    domain::{avatar::MAX_BYTES as MAX_AVATAR_BYTES, draft::field},
    error::AppError,
};
use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

/// The message for one field: the server's, or one found in the browser
/// before sending (an oversized file).
fn message(errors: Signal<Option<AppError>>, local: RwSignal<Option<String>>, name: &'static str) -> impl Fn() -> Option<String> + Copy {
    move || {
        if name == field::AVATAR {
            if let Some(m) = local.get() {
                return Some(m);
            }
        }
        errors.get().and_then(|e| e.field_message(name))
    }
}

#[component]
pub fn KeyFields(
    /// Prefix for element ids, unique per dialog.
    prefix: &'static str,
    /// The key being modified, or `None` when creating.
    key: Option<ApiKey>,
    accounts: Vec<Account>,
    errors: Signal<Option<AppError>>,
    /// Set when the chosen file is refused in the browser already.
    file_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = move |f: &str| format!("{prefix}-{f}");
    let name_error = message(errors, file_error, field::NAME);
    let url_error = message(errors, file_error, field::WEBHOOK_URL);
    let accounts_error = message(errors, file_error, field::ACCOUNTS);
    let avatar_error = message(errors, file_error, field::AVATAR);
    let expires_error = message(errors, file_error, field::EXPIRES);
    let chosen = RwSignal::new(None::<String>);
    let remove = RwSignal::new(false);

    let on_file = move |e: ev::Event| {
        let input: web_sys::HtmlInputElement = e.target().expect("change event has a target").unchecked_into();
        let file = input.files().and_then(|f| f.get(0));
        file_error.set(None);
        chosen.set(file.as_ref().map(|f| f.name()));
        if let Some(file) = file {
            if file.size() > MAX_AVATAR_BYTES as f64 {
                file_error.set(Some("Choose an image of at most 1 MiB.".into()));
            }
        }
    };

    let expires = key.as_ref().and_then(|k| k.expires_at).map(|t| t.date_naive().format("%Y-%m-%d").to_string()).unwrap_or_default();
    let (name, url, selected, current_avatar) = match &key {
        Some(k) => (k.name.clone(), k.webhook_url.clone(), k.accounts.iter().map(|a| a.id).collect(), k.avatar_url()),
        // With a single account there is nothing to choose: tick it.
        None if accounts.len() == 1 => (String::new(), String::new(), vec![accounts[0].id], None),
        None => (String::new(), String::new(), vec![], None),
    };

    view! {
        <div class="field">
            <span class="label" id=id("avatar-label")>"Avatar " <span class="optional">"(optional)"</span></span>
            <div class="avatar-picker">
                {current_avatar.map(|src| view! { <img class="avatar-preview" src=src alt="Current avatar" width="48" height="48" /> })}
                <label class="button secondary file-button">
                    "Choose file"
                    <input
                        type="file"
                        name=field::AVATAR
                        class="visually-hidden"
                        aria-label="Avatar"
                        accept="image/png,image/jpeg,image/webp,image/gif"
                        aria-invalid=move || avatar_error().is_some().to_string()
                        aria-describedby=id("avatar-help")
                        on:change=on_file
                    />
                </label>
                <span class="file-name">{move || chosen.get().unwrap_or_else(|| "No file chosen".into())}</span>
            </div>
            {key.as_ref().filter(|k| k.has_avatar).map(|_| view! {
                <label class="check">
                    <input type="checkbox" name="remove_avatar" value="1" prop:checked=move || remove.get() on:change=move |e| remove.set(event_target_checked(&e)) />
                    "Remove avatar"
                </label>
            })}
            <p class="help" id=id("avatar-help")>"PNG, JPEG, WebP or GIF, up to 1 MiB. Shown at 128 × 128."</p>
            <FieldError message=Signal::derive(avatar_error) />
        </div>
        <div class="field">
            <label class="label" for=id("name")>"Name"</label>
            <input
                id=id("name")
                name=field::NAME
                type="text"
                autocomplete="off"
                autofocus
                aria-required="true"
                maxlength="200"
                value=name
                aria-invalid=move || name_error().is_some().to_string()
                aria-describedby=id("name-error")
            />
            <FieldError id=id("name-error") message=Signal::derive(name_error) />
        </div>
        <div class="field">
            <label class="label" for=id("url")>"Webhook URL"</label>
            <input
                id=id("url")
                name=field::WEBHOOK_URL
                type="url"
                inputmode="url"
                autocomplete="off"
                placeholder="https://example.com/keyhold-events"
                aria-required="true"
                value=url
                aria-invalid=move || url_error().is_some().to_string()
                aria-describedby=id("url-error")
            />
            <FieldError id=id("url-error") message=Signal::derive(url_error) />
        </div>
        <div class="field">
            <label class="label" for=id("expires")>"Expires " <span class="optional">"(optional)"</span></label>
            <input
                id=id("expires")
                name=field::EXPIRES
                type="date"
                value=expires
                aria-invalid=move || expires_error().is_some().to_string()
                aria-describedby=id("expires-help")
            />
            <p class="help" id=id("expires-help")>"The key stops working at the start of this day (UTC). Leave empty for no expiry."</p>
            <FieldError message=Signal::derive(expires_error) />
        </div>
        <fieldset class="field accounts" aria-describedby=id("accounts-error")>
            <legend class="label">"Accounts"</legend>
            {accounts
                .into_iter()
                .map(|a| {
                    let checked = selected.contains(&a.id);
                    view! {
                        <label class="check">
                            <input type="checkbox" name=field::ACCOUNTS value=a.id.to_string() checked=checked />
                            {a.name}
                        </label>
                    }
                })
                .collect_view()}
            <FieldError id=id("accounts-error") message=Signal::derive(accounts_error) />
        </fieldset>
    }
}

#[component]
fn FieldError(#[prop(optional)] id: Option<String>, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id>
            {move || message.get()}
        </p>
    }
}

/// True when the form may be sent: nothing refused in the browser.
pub fn ready(file_error: RwSignal<Option<String>>) -> bool {
    file_error.get_untracked().is_none()
}
