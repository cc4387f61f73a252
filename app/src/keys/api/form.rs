//! Reads the key dialogs' multipart form.

use crate::{
    domain::{
        address::WebhookPolicy,
        avatar::{Avatar, MAX_BYTES},
        draft::{field, KeyDraft, KeyInput},
    },
    error::{AppError, FieldError},
};
use server_fn::codec::MultipartData;
use uuid::Uuid;

/// Longest text field accepted; far above any valid value, it only keeps a
/// hostile request from filling memory.
const MAX_TEXT: usize = 16 * 1024;

#[derive(Debug, Default)]
pub struct KeyForm {
    pub input: KeyInput,
    pub avatar: Option<Vec<u8>>,
    /// Set when the upload was over the limit; the bytes were not kept.
    pub avatar_too_large: bool,
    pub remove_avatar: bool,
    pub id: Option<String>,
    pub version: Option<String>,
}

impl KeyForm {
    pub async fn read(data: MultipartData) -> Result<Self, AppError> {
        let malformed = || AppError::Transport("the form could not be read".into());
        let mut multipart = data.into_inner().ok_or_else(malformed)?;
        let mut form = KeyForm::default();
        while let Some(mut part) = multipart.next_field().await.map_err(|_| malformed())? {
            let name = part.name().unwrap_or_default().to_owned();
            if name == field::AVATAR {
                let mut bytes = Vec::new();
                while let Some(chunk) = part.chunk().await.map_err(|_| malformed())? {
                    if bytes.len() + chunk.len() > MAX_BYTES {
                        form.avatar_too_large = true;
                        bytes.clear();
                        // Drain the rest without keeping it.
                        while part.chunk().await.map_err(|_| malformed())?.is_some() {}
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if !bytes.is_empty() {
                    form.avatar = Some(bytes);
                }
                continue;
            }
            let mut text = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|_| malformed())? {
                if text.len() + chunk.len() > MAX_TEXT {
                    return Err(AppError::Transport("a form field is too long".into()));
                }
                text.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(text).map_err(|_| malformed())?;
            match name.as_str() {
                field::NAME => form.input.name = text,
                field::WEBHOOK_URL => form.input.webhook_url = text,
                field::ACCOUNTS => form.input.accounts.push(text),
                field::EXPIRES => form.input.expires = text,
                "remove_avatar" => form.remove_avatar = !text.is_empty(),
                "id" => form.id = Some(text),
                "version" => form.version = Some(text),
                _ => {}
            }
        }
        Ok(form)
    }

    /// The key and version a modify form was opened for.
    pub fn identity(&self) -> Result<(Uuid, i64), AppError> {
        let missing = || AppError::Transport("the form does not say which key to modify".into());
        let id = self.id.as_deref().and_then(|s| Uuid::parse_str(s).ok()).ok_or_else(missing)?;
        let version = self.version.as_deref().and_then(|s| s.parse().ok()).ok_or_else(missing)?;
        Ok((id, version))
    }

    /// Validates every field, collecting all messages: the key's fields as
    /// every door validates them ([`KeyDraft::parse`], webhook policy
    /// included), and the avatar.
    pub async fn validate(self, policy: &WebhookPolicy) -> Result<(KeyDraft, Option<Avatar>), AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let draft = KeyDraft::parse(&self.input, policy).await.map_err(|e| errors.extend(e)).ok();
        let avatar = if self.avatar_too_large {
            errors.push(FieldError::new(field::AVATAR, "Choose an image of at most 1 MiB."));
            None
        } else {
            let decoded = match self.avatar {
                // Decoding is CPU work: keep it off the async workers.
                Some(bytes) => {
                    Some(tokio::task::spawn_blocking(move || Avatar::from_upload(&bytes)).await.map_err(|_| AppError::Internal)?)
                }
                None => None,
            };
            match decoded {
                Some(Ok(a)) => Some(a),
                Some(Err(message)) => {
                    errors.push(FieldError::new(field::AVATAR, message));
                    None
                }
                None => None,
            }
        };
        match draft {
            Some(draft) if errors.is_empty() => Ok((draft, avatar)),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}
