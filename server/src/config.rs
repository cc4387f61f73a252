//! Configuration from environment variables (a `.env` file is read first if
//! present). See `.env.example` at the project root.

use app::domain::vault::{TokenVault, VaultError};
use crate::{
    verify::{rate_limit::DEFAULT_PER_SECOND, VerifySettings},
    webhooks::WebhookSettings,
};
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
    #[error("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS must be true or false (got “{0}”)")]
    AllowPrivateWebhooks(String),
    #[error("KEYHOLD_MASTER_KEY: {0}")]
    MasterKey(VaultError),
    #[error("the master key file {path}: {source}. Set KEYHOLD_MASTER_KEY (32 bytes, base64) or KEYHOLD_MASTER_KEY_FILE to a writable path")]
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
    /// `KEYHOLD_ALLOW_PRIVATE_WEBHOOKS`: deliver webhooks to loopback and
    /// private addresses too (development and tests only).
    pub allow_private_webhooks: bool,
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
        let allow_private_webhooks = match var("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS") {
            None => false,
            Some(value) => parse_bool(&value).ok_or(ConfigError::AllowPrivateWebhooks(value))?,
        };
        Ok(Config {
            allow_private_webhooks,
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            site_addr: site.parse().map_err(|_| ConfigError::SiteAddr(site.clone()))?,
            master_key: var("KEYHOLD_MASTER_KEY"),
            master_key_file: var("KEYHOLD_MASTER_KEY_FILE").unwrap_or_else(|| DEFAULT_MASTER_KEY_FILE.into()).into(),
            verify_rate_limit,
        })
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

/// `true` or `false`, in any case.
fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
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
            allow_private_webhooks: false,
        };
        let first = config.vault().unwrap();
        let token = app::domain::token::Token::generate();
        let sealed = first.seal(&token);
        let second = config.vault().unwrap();
        assert_eq!(second.open(&sealed).unwrap(), token);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn private_webhooks_are_a_yes_or_no() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool(" FALSE "), Some(false));
        assert_eq!(parse_bool("1"), None);
        assert_eq!(parse_bool("maybe"), None);
        let message = ConfigError::AllowPrivateWebhooks("maybe".into()).to_string();
        assert!(message.contains("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS") && message.contains("maybe"), "{message}");
    }

    #[test]
    fn a_bad_master_key_is_refused() {
        let config = Config {
            database_url: DEFAULT_DATABASE_URL.into(),
            site_addr: "127.0.0.1:3000".parse().unwrap(),
            master_key: Some("too short".into()),
            master_key_file: "unused".into(),
            verify_rate_limit: DEFAULT_PER_SECOND,
            allow_private_webhooks: false,
        };
        assert!(matches!(config.vault(), Err(ConfigError::MasterKey(_))));
    }
}
