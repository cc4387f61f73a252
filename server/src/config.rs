//! Configuration from environment variables (a `.env` file is read first if
//! present). See `.env.example` at the project root.

use crate::{
    verify::{rate_limit::DEFAULT_PER_SECOND, VerifySettings},
    webhooks::WebhookSettings,
};
use app::domain::vault::{TokenVault, VaultError};
use std::{
    net::SocketAddr,
    num::NonZeroU32,
    path::{Path, PathBuf},
};

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/keyhold";
pub const DEFAULT_MASTER_KEY_FILE: &str = ".keyhold/master.key";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("LEPTOS_SITE_ADDR must be an address like 127.0.0.1:3000 (got “{0}”)")]
    SiteAddr(String),
    #[error("KEYHOLD_VERIFY_RATE_LIMIT must be a whole number of verifications per second per client, at least 1 (got “{0}”)")]
    VerifyRateLimit(String),
    #[error("KEYHOLD_PUBLIC_URL must be the http(s) address operators open, such as https://keys.example.com (got “{0}”)")]
    PublicUrl(String),
    #[error("{0} must be true or false (got “{1}”)")]
    Flag(&'static str, String),
    #[error("KEYHOLD_SIGN_IN_LIMIT must be a whole number of sign-in attempts a minute, at least 1 (got “{0}”)")]
    SignInLimit(String),
    #[error("KEYHOLD_MASTER_KEY: {0}")]
    MasterKey(VaultError),
    #[error(
        "the master key file {path}: {source}. Set KEYHOLD_MASTER_KEY (32 bytes, base64) or KEYHOLD_MASTER_KEY_FILE to a writable path"
    )]
    MasterKeyFile { path: PathBuf, source: std::io::Error },
    #[error("the master key file {0} does not hold 32 bytes of base64; set KEYHOLD_MASTER_KEY or fix the file")]
    BadMasterKeyFile(PathBuf),
}

/// Settings read once at start.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// `KEYHOLD_MASTER_KEY`, if set (base64 of 32 bytes).
    master_key: Option<String>,
    pub master_key_file: PathBuf,
    /// `KEYHOLD_VERIFY_RATE_LIMIT`: verifications per second per client address.
    pub verify_rate_limit: NonZeroU32,
    /// `KEYHOLD_PUBLIC_URL`: the origin operators' browsers use. When set,
    /// state-changing requests must come from it, and an `https` URL makes
    /// the session cookie `Secure`; when unset, they must come from the
    /// origin the request itself names (its `Host`).
    pub public_url: Option<String>,
    /// `KEYHOLD_ALLOW_PRIVATE_WEBHOOKS`: accept webhook URLs on loopback and
    /// private networks (for development).
    pub allow_private_webhooks: bool,
    /// `KEYHOLD_SIGN_IN_LIMIT`: sign-in attempts a minute per client address
    /// and per email.
    pub sign_in_limit: NonZeroU32,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let site = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let verify_rate_limit = match var("KEYHOLD_VERIFY_RATE_LIMIT") {
            None => DEFAULT_PER_SECOND,
            Some(limit) => limit.trim().parse().map_err(|_| ConfigError::VerifyRateLimit(limit.clone()))?,
        };
        let site_addr: SocketAddr = site.parse().map_err(|_| ConfigError::SiteAddr(site.clone()))?;
        let public_url = match var("KEYHOLD_PUBLIC_URL") {
            None => None,
            Some(url) => Some(origin_of(&url).ok_or(ConfigError::PublicUrl(url))?),
        };
        let allow_private_webhooks = flag(var("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS"), "KEYHOLD_ALLOW_PRIVATE_WEBHOOKS")?;
        let sign_in_limit = match var("KEYHOLD_SIGN_IN_LIMIT") {
            None => app::auth::throttle::DEFAULT_PER_MINUTE,
            Some(limit) => limit.trim().parse().map_err(|_| ConfigError::SignInLimit(limit.clone()))?,
        };
        Ok(Config {
            public_url,
            allow_private_webhooks,
            sign_in_limit,
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            site_addr,
            master_key: var("KEYHOLD_MASTER_KEY"),
            master_key_file: var("KEYHOLD_MASTER_KEY_FILE").unwrap_or_else(|| DEFAULT_MASTER_KEY_FILE.into()).into(),
            verify_rate_limit,
        })
    }

    /// Where operators open Keyhold, for the start-up message.
    pub fn display_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.site_addr))
    }

    /// Sign-in, session and request-origin settings.
    pub fn security_settings(&self) -> crate::auth::SecuritySettings {
        crate::auth::SecuritySettings {
            public_origin: self.public_url.clone(),
            allow_private_webhooks: self.allow_private_webhooks,
            sign_in_per_minute: self.sign_in_limit,
            ..crate::auth::SecuritySettings::default()
        }
    }

    /// The verification API's settings.
    pub fn verify_settings(&self) -> VerifySettings {
        VerifySettings { rate_limit: self.verify_rate_limit, ..VerifySettings::default() }
    }

    /// The webhook worker's settings.
    pub fn webhook_settings(&self) -> WebhookSettings {
        WebhookSettings { allow_private: self.allow_private_webhooks, ..WebhookSettings::default() }
    }

    /// The vault for tokens: from `KEYHOLD_MASTER_KEY`, else from the key
    /// file, which is created (mode 0600) on first run with a warning.
    pub fn vault(&self) -> Result<TokenVault, ConfigError> {
        if let Some(key) = &self.master_key {
            return TokenVault::from_base64(key).map_err(ConfigError::MasterKey);
        }
        let path = &self.master_key_file;
        match std::fs::read_to_string(path) {
            Ok(text) => TokenVault::from_base64(&text).map_err(|_| ConfigError::BadMasterKeyFile(path.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = TokenVault::generate_master_key();
                write_private(path, &key).map_err(|source| ConfigError::MasterKeyFile { path: path.clone(), source })?;
                tracing::warn!(
                    file = %path.display(),
                    "KEYHOLD_MASTER_KEY is not set: created a new master key in this file. \
                     In production, set KEYHOLD_MASTER_KEY and keep it safe: without it, stored tokens cannot be copied."
                );
                TokenVault::from_base64(&key).map_err(ConfigError::MasterKey)
            }
            Err(source) => Err(ConfigError::MasterKeyFile { path: path.clone(), source }),
        }
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("keyhold-config-{}", uuid::Uuid::new_v4()));
        let config = Config {
            database_url: DEFAULT_DATABASE_URL.into(),
            site_addr: "127.0.0.1:3000".parse().unwrap(),
            master_key: None,
            master_key_file: dir.join("master.key"),
            verify_rate_limit: DEFAULT_PER_SECOND,
            public_url: None,
            allow_private_webhooks: false,
            sign_in_limit: app::auth::throttle::DEFAULT_PER_MINUTE,
        };
        let first = config.vault().unwrap();
        let token = app::domain::token::Token::generate();
        let sealed = first.seal(&token);
        let second = config.vault().unwrap();
        assert_eq!(second.open(&sealed).unwrap(), token);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_bad_master_key_is_refused() {
        let config = Config {
            database_url: DEFAULT_DATABASE_URL.into(),
            site_addr: "127.0.0.1:3000".parse().unwrap(),
            master_key: Some("too short".into()),
            master_key_file: "unused".into(),
            verify_rate_limit: DEFAULT_PER_SECOND,
            public_url: None,
            allow_private_webhooks: false,
            sign_in_limit: app::auth::throttle::DEFAULT_PER_MINUTE,
        };
        assert!(matches!(config.vault(), Err(ConfigError::MasterKey(_))));
    }
}

/// `scheme://host[:port]` of an http(s) URL, without path or trailing slash.
fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return None;
    }
    Some(parsed.origin().ascii_serialization())
}

fn flag(value: Option<String>, name: &'static str) -> Result<bool, ConfigError> {
    match value.as_deref().map(str::trim).map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "0" | "no") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some(_) => Err(ConfigError::Flag(name, value.unwrap_or_default())),
    }
}

#[cfg(test)]
mod origin_tests {
    use super::{flag, origin_of};

    #[test]
    fn public_urls_are_reduced_to_their_origin() {
        assert_eq!(origin_of("https://keys.example.com/").as_deref(), Some("https://keys.example.com"));
        assert_eq!(origin_of("http://127.0.0.1:3000/keys").as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(origin_of("HTTPS://Keys.Example.com:443").as_deref(), Some("https://keys.example.com"));
        assert_eq!(origin_of("ftp://example.com"), None);
        assert_eq!(origin_of("keys.example.com"), None);
    }

    #[test]
    fn flags_are_true_or_false() {
        assert!(!flag(None, "X").unwrap());
        assert!(flag(Some("true".into()), "X").unwrap());
        assert!(!flag(Some("False".into()), "X").unwrap());
        assert!(flag(Some("maybe".into()), "X").is_err());
    }
}
