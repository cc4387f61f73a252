//! The URL that hears about a key's events.

use std::fmt;
use url::Url;

/// Longest accepted URL, in characters.
pub const MAX_LEN: usize = 2048;

/// An absolute http(s) URL with a host, at most 2,048 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Enter a webhook URL.".into());
        }
        if trimmed.chars().count() > MAX_LEN {
            return Err(format!("Use at most {MAX_LEN} characters."));
        }
        let url = Url::parse(trimmed).map_err(|_| "Enter an absolute URL, such as https://example.com/hooks.".to_string())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("The webhook URL must start with http:// or https://.".into());
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("The webhook URL needs a host name.".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("Leave user names and passwords out of the webhook URL.".into());
        }
        Ok(WebhookUrl(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_urls_are_accepted_as_typed() {
        for ok in ["https://example.com/hook", "http://hooks.example.com:8080/a?b=c", " https://x.io "] {
            assert_eq!(WebhookUrl::parse(ok).unwrap().as_str(), ok.trim());
        }
    }

    #[test]
    fn empty_is_refused() {
        assert_eq!(WebhookUrl::parse("  "), Err("Enter a webhook URL.".into()));
    }

    #[test]
    fn relative_urls_are_refused() {
        assert!(WebhookUrl::parse("/hooks").unwrap_err().contains("absolute URL"));
        assert!(WebhookUrl::parse("example.com/hooks").unwrap_err().contains("absolute URL"));
    }

    #[test]
    fn other_schemes_are_refused() {
        for bad in ["ftp://example.com", "javascript:alert(1)", "mailto:a@b.c", "file:///etc/passwd"] {
            assert!(WebhookUrl::parse(bad).unwrap_err().contains("http://"), "{bad}");
        }
    }

    #[test]
    fn credentials_in_the_url_are_refused() {
        assert!(WebhookUrl::parse("https://user:pw@example.com/").is_err());
    }

    #[test]
    fn the_length_limit_is_2048_characters() {
        let base = "https://example.com/";
        let ok = format!("{base}{}", "a".repeat(MAX_LEN - base.len()));
        assert!(WebhookUrl::parse(&ok).is_ok());
        let long = format!("{ok}a");
        assert!(WebhookUrl::parse(&long).unwrap_err().contains("2048"));
    }
}
