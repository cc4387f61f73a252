//! Every setting, read from the environment once at start (a `.env` file in
//! the working directory is read first, if there is one), into one
//! [`Settings`] that the server, its workers, the server functions and the
//! shell commands all share. See `.env.example` and the README's
//! configuration table.
//!
//! Adding a setting: a field on [`Settings`], its default in
//! `Settings::default`, one line in [`Settings::from_vars`] (an [`Env`]
//! reader says what a bad value should have been), a row in the README and
//! a paragraph in `.env.example`. Secrets go in a [`SecretString`], which
//! never prints.

use crate::domain::{
    address::{PortPolicy, WebhookPolicy},
    client_address::TrustedProxies,
    vault::{TokenVault, VaultError},
};
use secrecy::{ExposeSecret, SecretString};
use std::{
    net::SocketAddr,
    num::NonZeroU32,
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/keyhold";
pub const DEFAULT_SITE_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_MASTER_KEY_FILE: &str = ".keyhold/master.key";
/// Verifications per second per client address.
pub const DEFAULT_VERIFY_RATE_LIMIT: NonZeroU32 = NonZeroU32::new(100).expect("100 is not zero");
/// Management API requests per second per management token.
pub const DEFAULT_MANAGEMENT_RATE_LIMIT: NonZeroU32 = NonZeroU32::new(50).expect("50 is not zero");
/// Sign-in attempts a minute per client address.
pub const DEFAULT_SIGN_IN_LIMIT: NonZeroU32 = NonZeroU32::new(10).expect("10 is not zero");
/// Sign-in attempts an hour per account (email).
pub const DEFAULT_SIGN_IN_ACCOUNT_LIMIT: NonZeroU32 = NonZeroU32::new(30).expect("30 is not zero");
/// A session ends after this long without a request.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after sign-in, however busy.
pub const DEFAULT_SESSION_MAX_AGE: Duration = Duration::from_secs(12 * 60 * 60);
/// Longest a client may take to send a request's head (and longest an
/// idle connection stays open).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Most connections served at once.
pub const DEFAULT_MAX_CONNECTIONS: NonZeroU32 = NonZeroU32::new(512).expect("512 is not zero");
/// The most `KEYHOLD_MAX_CONNECTIONS` may be (each connection is a file
/// descriptor).
pub const MAX_MAX_CONNECTIONS: u32 = 65_536;

/// Where the master key comes from.
#[derive(Debug, Clone)]
pub enum MasterKey {
    /// `KEYHOLD_MASTER_KEY`: 32 bytes, base64.
    Given(SecretString),
    /// `KEYHOLD_MASTER_KEY_FILE`: read, or created on first run.
    File(PathBuf),
}

/// Keyhold's settings. `Debug` shows no secret: the master key and the
/// database URL (which may carry a password) are [`SecretString`]s.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: created and migrated at start.
    pub database_url: SecretString,
    /// `LEPTOS_SITE_ADDR`: where the server listens.
    pub site_addr: SocketAddr,
    /// `KEYHOLD_PUBLIC_URL`, reduced to its origin: the origin operators'
    /// browsers use. When set, state-changing requests must come from it, and
    /// an `https` origin makes the session cookie `Secure`; when unset, they
    /// must come from the origin the request's own `Host` names.
    pub public_origin: Option<String>,
    /// `KEYHOLD_MASTER_KEY` or `KEYHOLD_MASTER_KEY_FILE`.
    pub master_key: MasterKey,
    /// `KEYHOLD_VERIFY_RATE_LIMIT`: verifications per second per client address.
    pub verify_rate_limit: NonZeroU32,
    /// `KEYHOLD_MANAGEMENT_RATE_LIMIT`: management API requests per second
    /// per management token.
    pub management_rate_limit: NonZeroU32,
    /// `KEYHOLD_SIGN_IN_LIMIT`: sign-in attempts a minute per client address.
    pub sign_in_limit: NonZeroU32,
    /// `KEYHOLD_SIGN_IN_ACCOUNT_LIMIT`: sign-in attempts an hour per account
    /// (beside the back-off after repeated failures).
    pub sign_in_account_limit: NonZeroU32,
    /// `KEYHOLD_TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For`
    /// names the client (for the rate limits and the audit log).
    pub trusted_proxies: TrustedProxies,
    /// `KEYHOLD_ALLOW_PRIVATE_WEBHOOKS` and `KEYHOLD_WEBHOOK_PORTS`: where
    /// webhooks may be sent, checked when a URL is saved and when each
    /// delivery is sent.
    pub webhook_policy: WebhookPolicy,
    /// `KEYHOLD_SESSION_IDLE`: a session ends after this long without a request.
    pub session_idle: Duration,
    /// `KEYHOLD_SESSION_MAX_AGE`: a session ends this long after sign-in.
    pub session_max_age: Duration,
    /// `KEYHOLD_HEADER_TIMEOUT`: a connection is closed when a request's
    /// head has not arrived this long after the server started waiting for
    /// it (so also after this long idle between requests).
    pub header_timeout: Duration,
    /// `KEYHOLD_MAX_CONNECTIONS`: most connections served at once; more
    /// wait in the listen queue until one closes.
    pub max_connections: NonZeroU32,
}

impl Default for Settings {
    /// Every setting at its default, as with an empty environment.
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.into(),
            site_addr: DEFAULT_SITE_ADDR.parse().expect("the default address parses"),
            public_origin: None,
            master_key: MasterKey::File(DEFAULT_MASTER_KEY_FILE.into()),
            verify_rate_limit: DEFAULT_VERIFY_RATE_LIMIT,
            management_rate_limit: DEFAULT_MANAGEMENT_RATE_LIMIT,
            sign_in_limit: DEFAULT_SIGN_IN_LIMIT,
            sign_in_account_limit: DEFAULT_SIGN_IN_ACCOUNT_LIMIT,
            trusted_proxies: TrustedProxies::default(),
            webhook_policy: WebhookPolicy::STRICT,
            session_idle: DEFAULT_SESSION_IDLE,
            session_max_age: DEFAULT_SESSION_MAX_AGE,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// A setting that cannot be used. The message says what to set; it never
/// repeats a secret's value.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{name} must be {expected} (got “{got}”)")]
    Invalid { name: &'static str, expected: &'static str, got: String },
    #[error("{name}: {problem}")]
    Malformed { name: &'static str, problem: String },
    #[error("KEYHOLD_MASTER_KEY: {0}")]
    MasterKey(VaultError),
    #[error(
        "the master key file {path}: {source}. Set KEYHOLD_MASTER_KEY (32 bytes, base64) or KEYHOLD_MASTER_KEY_FILE to a writable path"
    )]
    MasterKeyFile { path: PathBuf, source: std::io::Error },
    #[error("the master key file {0} does not hold 32 bytes of base64; set KEYHOLD_MASTER_KEY or fix the file")]
    BadMasterKeyFile(PathBuf),
}

/// Reads variables by name; empty (or all blank) counts as unset.
pub struct Env<F>(F);

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub fn new(lookup: F) -> Self {
        Self(lookup)
    }

    /// The trimmed value, if set.
    pub fn text(&self, name: &str) -> Option<String> {
        (self.0)(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// A value that must never be printed.
    pub fn secret(&self, name: &str) -> Option<SecretString> {
        self.text(name).map(SecretString::from)
    }

    /// The value parsed as `T`; a value that does not parse is an error
    /// saying it must be `expected`.
    pub fn parse<T: FromStr>(&self, name: &'static str, expected: &'static str) -> Result<Option<T>, SettingsError> {
        self.text(name).map(|got| got.parse().map_err(|_| SettingsError::Invalid { name, expected, got })).transpose()
    }

    /// The value read by `parse`, whose error message says what is wrong.
    pub fn parsed<T>(&self, name: &'static str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, SettingsError> {
        self.text(name).map(|got| parse(&got).map_err(|problem| SettingsError::Malformed { name, problem })).transpose()
    }

    /// A duration: a whole number with a unit, `s`, `min` or `h` (`90s`,
    /// `30min`, `12h`); at least one second.
    pub fn duration(&self, name: &'static str) -> Result<Option<Duration>, SettingsError> {
        const EXPECTED: &str = "a duration such as 90s, 30min or 12h (at least 1s)";
        self.text(name).map(|got| parse_duration(&got).ok_or(SettingsError::Invalid { name, expected: EXPECTED, got })).transpose()
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`, any case).
    pub fn flag(&self, name: &'static str) -> Result<Option<bool>, SettingsError> {
        self.text(name)
            .map(|got| match got.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(SettingsError::Invalid { name, expected: "true or false", got }),
            })
            .transpose()
    }
}

impl Settings {
    /// The settings of this process: `.env` (if present), then the environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        let _ = dotenvy::dotenv();
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The settings `lookup` gives (a variable's value by name).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let env = Env::new(lookup);
        let d = Settings::default();
        let public_origin = match env.text("KEYHOLD_PUBLIC_URL") {
            None => None,
            Some(url) => Some(origin_of(&url).ok_or(SettingsError::Invalid {
                name: "KEYHOLD_PUBLIC_URL",
                expected: "the http(s) address operators open, such as https://keys.example.com",
                got: url,
            })?),
        };
        let master_key = match env.secret("KEYHOLD_MASTER_KEY") {
            Some(key) => MasterKey::Given(key),
            None => MasterKey::File(env.text("KEYHOLD_MASTER_KEY_FILE").map_or(DEFAULT_MASTER_KEY_FILE.into(), PathBuf::from)),
        };
        Ok(Settings {
            database_url: env.secret("DATABASE_URL").unwrap_or(d.database_url),
            site_addr: env.parse("LEPTOS_SITE_ADDR", "an address like 127.0.0.1:3000")?.unwrap_or(d.site_addr),
            public_origin,
            master_key,
            verify_rate_limit: env
                .parse("KEYHOLD_VERIFY_RATE_LIMIT", "a whole number of verifications per second per client, at least 1")?
                .unwrap_or(d.verify_rate_limit),
            management_rate_limit: env
                .parse("KEYHOLD_MANAGEMENT_RATE_LIMIT", "a whole number of management API requests per second per token, at least 1")?
                .unwrap_or(d.management_rate_limit),
            sign_in_limit: env
                .parse("KEYHOLD_SIGN_IN_LIMIT", "a whole number of sign-in attempts a minute per client address, at least 1")?
                .unwrap_or(d.sign_in_limit),
            sign_in_account_limit: env
                .parse("KEYHOLD_SIGN_IN_ACCOUNT_LIMIT", "a whole number of sign-in attempts an hour per account, at least 1")?
                .unwrap_or(d.sign_in_account_limit),
            trusted_proxies: env.parsed("KEYHOLD_TRUSTED_PROXIES", TrustedProxies::parse)?.unwrap_or(d.trusted_proxies),
            webhook_policy: WebhookPolicy {
                allow_private: env.flag("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS")?.unwrap_or(d.webhook_policy.allow_private),
                ports: env.parsed("KEYHOLD_WEBHOOK_PORTS", PortPolicy::parse)?.unwrap_or(d.webhook_policy.ports),
            },
            session_idle: env.duration("KEYHOLD_SESSION_IDLE")?.unwrap_or(d.session_idle),
            session_max_age: env.duration("KEYHOLD_SESSION_MAX_AGE")?.unwrap_or(d.session_max_age),
            header_timeout: env.duration("KEYHOLD_HEADER_TIMEOUT")?.unwrap_or(d.header_timeout),
            max_connections: env
                .parsed("KEYHOLD_MAX_CONNECTIONS", |text| match text.parse::<u32>() {
                    Ok(n @ 1..=MAX_MAX_CONNECTIONS) => Ok(NonZeroU32::new(n).expect("at least 1")),
                    _ => Err(format!("“{text}” is not a whole number of connections from 1 to {MAX_MAX_CONNECTIONS}")),
                })?
                .unwrap_or(d.max_connections),
        })
    }

    /// Where operators open Keyhold, for the start-up message.
    pub fn display_url(&self) -> String {
        self.public_origin.clone().unwrap_or_else(|| format!("http://{}", self.site_addr))
    }

    /// Cookies are `Secure` when operators use https.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin.as_deref().is_some_and(|o| o.starts_with("https://"))
    }

    /// The vault for tokens and signing secrets: from `KEYHOLD_MASTER_KEY`,
    /// else from the key file, which is created (mode 0600) on first run
    /// with a warning.
    pub fn vault(&self) -> Result<TokenVault, SettingsError> {
        let path = match &self.master_key {
            MasterKey::Given(key) => return TokenVault::from_base64(key.expose_secret()).map_err(SettingsError::MasterKey),
            MasterKey::File(path) => path,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => TokenVault::from_base64(&text).map_err(|_| SettingsError::BadMasterKeyFile(path.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = TokenVault::generate_master_key();
                write_private(path, &key).map_err(|source| SettingsError::MasterKeyFile { path: path.clone(), source })?;
                tracing::warn!(
                    file = %path.display(),
                    "KEYHOLD_MASTER_KEY is not set: created a new master key in this file. \
                     In production, set KEYHOLD_MASTER_KEY and keep it safe: without it, stored tokens cannot be copied."
                );
                TokenVault::from_base64(&key).map_err(SettingsError::MasterKey)
            }
            Err(source) => Err(SettingsError::MasterKeyFile { path: path.clone(), source }),
        }
    }
}

/// `90s`, `30min`, `12h` (also `90` for seconds); `None` for anything else
/// and for less than a second.
fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim().to_ascii_lowercase();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => number,
        "m" | "min" | "mins" | "minute" | "minutes" => number.checked_mul(60)?,
        "h" | "hour" | "hours" => number.checked_mul(3600)?,
        _ => return None,
    };
    (seconds >= 1).then(|| Duration::from_secs(seconds))
}

/// `scheme://host[:port]` of an http(s) URL, without path or trailing slash.
fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return None;
    }
    Some(parsed.origin().ascii_serialization())
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
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn an_empty_environment_gives_the_defaults() {
        let s = from(&[]).unwrap();
        assert_eq!(s.database_url.expose_secret(), DEFAULT_DATABASE_URL);
        assert_eq!(s.site_addr.to_string(), DEFAULT_SITE_ADDR);
        assert_eq!(s.public_origin, None);
        assert!(matches!(&s.master_key, MasterKey::File(p) if p == Path::new(DEFAULT_MASTER_KEY_FILE)));
        assert_eq!((s.verify_rate_limit, s.sign_in_limit), (DEFAULT_VERIFY_RATE_LIMIT, DEFAULT_SIGN_IN_LIMIT));
        assert_eq!(s.management_rate_limit, DEFAULT_MANAGEMENT_RATE_LIMIT);
        assert_eq!(s.webhook_policy, WebhookPolicy::STRICT);
        assert!(!s.secure_cookies());
    }

    #[test]
    fn each_variable_is_read_into_its_setting() {
        let s = from(&[
            ("DATABASE_URL", "postgres://db.example/keys"),
            ("LEPTOS_SITE_ADDR", "0.0.0.0:8080"),
            ("KEYHOLD_PUBLIC_URL", "https://Keys.Example.com/keys"),
            ("KEYHOLD_MASTER_KEY_FILE", "/etc/keyhold/key"),
            ("KEYHOLD_VERIFY_RATE_LIMIT", " 250 "),
            ("KEYHOLD_SIGN_IN_LIMIT", "3"),
            ("KEYHOLD_MANAGEMENT_RATE_LIMIT", "7"),
            ("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS", "TRUE"),
        ])
        .unwrap();
        assert_eq!(s.database_url.expose_secret(), "postgres://db.example/keys");
        assert_eq!(s.site_addr.to_string(), "0.0.0.0:8080");
        assert_eq!(s.public_origin.as_deref(), Some("https://keys.example.com"));
        assert!(s.secure_cookies());
        assert!(matches!(&s.master_key, MasterKey::File(p) if p == Path::new("/etc/keyhold/key")));
        assert_eq!((s.verify_rate_limit.get(), s.sign_in_limit.get(), s.management_rate_limit.get()), (250, 3, 7));
        assert_eq!(s.webhook_policy, WebhookPolicy::ALLOW_PRIVATE);
    }

    #[test]
    fn a_bad_value_names_the_variable_and_what_it_must_be() {
        let err = from(&[("KEYHOLD_VERIFY_RATE_LIMIT", "0")]).unwrap_err().to_string();
        assert!(err.starts_with("KEYHOLD_VERIFY_RATE_LIMIT must be a whole number"), "{err}");
        let err = from(&[("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS", "maybe")]).unwrap_err().to_string();
        assert_eq!(err, "KEYHOLD_ALLOW_PRIVATE_WEBHOOKS must be true or false (got “maybe”)");
        let err = from(&[("KEYHOLD_PUBLIC_URL", "keys.example.com")]).unwrap_err().to_string();
        assert!(err.starts_with("KEYHOLD_PUBLIC_URL must be the http(s) address"), "{err}");
        assert!(from(&[("LEPTOS_SITE_ADDR", "localhost")]).is_err());
    }

    #[test]
    fn the_hardening_settings_are_read_and_checked() {
        let s = from(&[
            ("KEYHOLD_SIGN_IN_ACCOUNT_LIMIT", "12"),
            ("KEYHOLD_TRUSTED_PROXIES", "10.0.0.0/8, ::1"),
            ("KEYHOLD_WEBHOOK_PORTS", "443,8000-8999"),
            ("KEYHOLD_SESSION_IDLE", "45min"),
            ("KEYHOLD_SESSION_MAX_AGE", "8h"),
        ])
        .unwrap();
        assert_eq!(s.sign_in_account_limit.get(), 12);
        assert!(s.trusted_proxies.contains("10.9.8.7".parse().unwrap()) && s.trusted_proxies.contains("::1".parse().unwrap()));
        assert!(s.webhook_policy.ports.allows(8443) && !s.webhook_policy.ports.allows(80));
        assert_eq!((s.session_idle, s.session_max_age), (Duration::from_secs(45 * 60), Duration::from_secs(8 * 3600)));
        let d = from(&[]).unwrap();
        assert!(d.trusted_proxies.is_empty());
        assert_eq!(d.webhook_policy.ports, PortPolicy::Standard);
        let err = from(&[("KEYHOLD_TRUSTED_PROXIES", "proxy.internal")]).unwrap_err().to_string();
        assert!(err.starts_with("KEYHOLD_TRUSTED_PROXIES: “proxy.internal” is not an address"), "{err}");
        let err = from(&[("KEYHOLD_SESSION_IDLE", "soon")]).unwrap_err().to_string();
        assert!(err.starts_with("KEYHOLD_SESSION_IDLE must be a duration such as 90s"), "{err}");
        assert!(from(&[("KEYHOLD_SESSION_MAX_AGE", "0s")]).is_err());
        assert!(from(&[("KEYHOLD_WEBHOOK_PORTS", "22-")]).is_err());
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        let s = from(&[("KEYHOLD_HEADER_TIMEOUT", "5s"), ("KEYHOLD_MAX_CONNECTIONS", "64")]).unwrap();
        assert_eq!((s.header_timeout, s.max_connections.get()), (Duration::from_secs(5), 64));
        assert_eq!((d.header_timeout, d.max_connections), (DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS));
        for bad in ["0", "65537", "lots"] {
            let err = from(&[("KEYHOLD_MAX_CONNECTIONS", bad)]).unwrap_err().to_string();
            assert!(err.starts_with(&format!("KEYHOLD_MAX_CONNECTIONS: “{bad}” is not a whole number of connections")), "{err}");
        }
        assert_eq!(parse_duration("2 h"), Some(Duration::from_secs(7200)));
    }

    #[test]
    fn public_urls_are_reduced_to_their_origin() {
        assert_eq!(origin_of("https://keys.example.com/").as_deref(), Some("https://keys.example.com"));
        assert_eq!(origin_of("http://127.0.0.1:3000/keys").as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(origin_of("HTTPS://Keys.Example.com:443").as_deref(), Some("https://keys.example.com"));
        assert_eq!(origin_of("ftp://example.com"), None);
        assert_eq!(origin_of("keys.example.com"), None);
    }

    #[test]
    fn debug_output_shows_neither_the_master_key_nor_the_database_password() {
        let key = TokenVault::generate_master_key();
        let s = from(&[("KEYHOLD_MASTER_KEY", &key), ("DATABASE_URL", "postgres://keyhold:hunter2secret@db/keyhold")]).unwrap();
        let printed = format!("{s:?} {:?}", s.clone());
        assert!(!printed.contains(&key), "{printed}");
        assert!(!printed.contains(&key[..12]), "{printed}");
        assert!(!printed.contains("hunter2secret"), "{printed}");
        assert!(printed.contains("verify_rate_limit"), "the rest is shown: {printed}");
    }

    #[test]
    fn a_bad_master_key_is_refused_without_repeating_it() {
        let s = from(&[("KEYHOLD_MASTER_KEY", "too-short-secret")]).unwrap();
        let err = s.vault().unwrap_err();
        assert!(matches!(err, SettingsError::MasterKey(_)));
        assert!(!err.to_string().contains("too-short-secret"));
    }

    #[test]
    fn a_missing_key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("keyhold-settings-{}", uuid::Uuid::new_v4()));
        let s = Settings { master_key: MasterKey::File(dir.join("master.key")), ..Settings::default() };
        let first = s.vault().unwrap();
        let token = crate::domain::token::Token::generate();
        let sealed = first.seal(&token);
        let second = s.vault().unwrap();
        assert_eq!(second.open(&sealed).unwrap(), token);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
