//! One HTTP attempt: POST the signed body, 10 s at most, no redirects, no
//! proxy, never to a port the policy refuses and (unless private webhooks
//! are allowed) only to global addresses. Host names are resolved by
//! [`CheckedResolver`], which refuses what the policy does not allow and
//! hands the checked addresses to the connector, so a second DNS answer
//! cannot slip in between check and connection.
//!
//! The delivery log shows a receiver's HTTP status, or else only
//! [`NO_ANSWER`]: a refused address, a closed port, a timeout and a
//! receiver that does not speak HTTP all read the same, so the log cannot be
//! used to map which hosts and ports answer. The reason goes to the server
//! log.

use super::sign::{self, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use app::domain::address::WebhookPolicy;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::{
    error::Error as _,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Why the attempt failed, if it did.
    pub error: Option<String>,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }

    fn failed(error: impl Into<String>) -> Self {
        Self { status: None, error: Some(error.into()) }
    }
}

/// What the delivery log says about every attempt that got no HTTP answer.
pub const NO_ANSWER: &str = "no HTTP answer: the receiver was not reachable from Keyhold (or not allowed), or did not answer in time";

/// A host name that resolved to an address the policy refuses.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {ip}, which webhooks may not reach")]
pub struct Refused {
    host: String,
    ip: IpAddr,
}

/// Resolves with the system resolver, then refuses the addresses the
/// policy does not allow.
struct CheckedResolver {
    policy: WebhookPolicy,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(resolve_checked(name.as_str().to_owned(), self.policy.clone()))
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn resolve_checked(host: String, policy: WebhookPolicy) -> Result<Addrs, BoxError> {
    let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
    let addrs = check_resolved(&host, addrs, &policy)?;
    Ok(Box::new(addrs.into_iter()) as Addrs)
}

/// The addresses `host` resolved to, if the policy allows every one: one
/// refused answer is enough to refuse, the name is not one a webhook may
/// reach.
pub fn check_resolved(host: &str, addrs: Vec<SocketAddr>, policy: &WebhookPolicy) -> Result<Vec<SocketAddr>, Refused> {
    match addrs.iter().find(|a| !policy.allows(a.ip())) {
        Some(refused) => Err(Refused { host: host.to_owned(), ip: refused.ip() }),
        None => Ok(addrs),
    }
}

/// Sends deliveries; one per worker, cheap to clone.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    policy: WebhookPolicy,
    timeout: Duration,
}

impl Sender {
    pub fn new(policy: WebhookPolicy, timeout: Duration) -> Self {
        // reqwest is built without a default crypto provider; ring it is.
        // Installing twice is harmless (the second call is refused).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("Keyhold-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(CheckedResolver { policy: policy.clone() }))
            .build()
            .expect("the webhook HTTP client can be built");
        Self { client, policy, timeout }
    }

    /// POSTs `body` to `url`, signed with `secret` as delivery `id`.
    pub async fn send(&self, url: &str, id: &str, body: &str, secret: &[u8]) -> Attempt {
        let Ok(parsed) = url::Url::parse(url) else {
            return Attempt::failed("the webhook URL is not a valid URL");
        };
        let host = parsed.host_str().unwrap_or_default().to_owned();
        // Ports and literal addresses never reach the resolver.
        if let Some(refusal) = self.policy.refuse_url(&parsed) {
            tracing::info!(delivery = id, host, reason = %refusal, "webhook refused before connecting");
            return Attempt::failed(NO_ANSWER);
        }
        let timestamp = chrono::Utc::now().timestamp();
        let request = self
            .client
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(ID_HEADER, id)
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, sign::signature(secret, id, timestamp, body))
            .body(body.to_owned());
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let error = (!response.status().is_success()).then(|| match response.status().canonical_reason() {
                    Some(reason) if response.status().is_redirection() => format!("{reason} (redirects are not followed)"),
                    Some(reason) => reason.to_owned(),
                    None => "not a 2xx answer".to_owned(),
                });
                Attempt { status: Some(status), error }
            }
            Err(err) => {
                tracing::info!(delivery = id, host, reason = %self.describe(&err), "webhook attempt got no HTTP answer");
                Attempt::failed(NO_ANSWER)
            }
        }
    }

    /// The reason for the server log; never the URL's path, the body or the
    /// headers.
    fn describe(&self, err: &reqwest::Error) -> String {
        let mut source = err.source();
        while let Some(cause) = source {
            if let Some(refused) = cause.downcast_ref::<Refused>() {
                return format!("refused: {refused}");
            }
            source = cause.source();
        }
        if err.is_timeout() {
            return format!("timed out after {} s", self.timeout.as_secs_f64());
        }
        // The innermost cause says most ("Connection refused", "failed to
        // lookup address information: ...").
        let mut innermost: &dyn std::error::Error = err;
        while let Some(cause) = innermost.source() {
            innermost = cause;
        }
        if err.is_connect() {
            format!("could not connect: {innermost}")
        } else {
            format!("request failed: {innermost}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::address::REFUSED_EXAMPLES;

    #[tokio::test]
    async fn refused_literals_ports_and_localhost_get_the_generic_answer_without_a_connection() {
        let sender = Sender::new(WebhookPolicy::STRICT, Duration::from_secs(1));
        for url in [
            "http://127.0.0.1:9/hook",
            "http://[::1]:9/",
            "http://169.254.169.254/latest",
            "http://localhost:9/",
            "http://198.18.0.1/",
            "http://[2002:7f00:1::]/",
            "https://hooks.example.com:6379/",
        ] {
            let attempt = sender.send(url, "msg", "{}", b"secret").await;
            assert_eq!(attempt, Attempt { status: None, error: Some(NO_ANSWER.into()) }, "{url}");
        }
    }

    #[test]
    fn the_resolver_refuses_a_name_if_any_of_its_addresses_is_special() {
        let public: SocketAddr = "[2606:4700:4700::1111]:443".parse().unwrap();
        for example in REFUSED_EXAMPLES {
            let special = SocketAddr::new(example.parse().unwrap(), 443);
            let err = check_resolved("hooks.example.com", vec![public, special], &WebhookPolicy::STRICT).unwrap_err();
            assert_eq!(err.ip, special.ip(), "{example}");
            assert!(check_resolved("hooks.example.com", vec![special], &WebhookPolicy::ALLOW_PRIVATE).is_ok());
        }
        assert_eq!(check_resolved("hooks.example.com", vec![public], &WebhookPolicy::STRICT).unwrap(), vec![public]);
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused_by_the_resolver() {
        use std::str::FromStr;
        let refused = CheckedResolver { policy: WebhookPolicy::STRICT }.resolve(Name::from_str("localhost").unwrap()).await;
        let err = refused.err().expect("localhost resolves to loopback");
        assert!(err.to_string().starts_with("localhost resolves to "), "{err}");
        let allowed = CheckedResolver { policy: WebhookPolicy::ALLOW_PRIVATE }.resolve(Name::from_str("localhost").unwrap()).await;
        assert!(allowed.unwrap().any(|a| a.ip().is_loopback()));
    }
}
