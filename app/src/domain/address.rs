//! Which network addresses a webhook may be sent to. Keyhold runs inside an
//! operator's network, so a webhook URL must not become a way to reach the
//! server itself, the private network around it or a cloud metadata service
//! (server-side request forgery). The rules here are checked when a URL is
//! saved and again, on the resolved addresses, when a delivery is sent.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// Where webhooks may be sent (`KEYHOLD_ALLOW_PRIVATE_WEBHOOKS`): the one
/// policy that both saving a webhook URL and sending a delivery apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// Accept loopback, private, link-local and metadata addresses too
    /// (development and tests only).
    pub allow_private: bool,
}

impl WebhookPolicy {
    /// Only public addresses (the default).
    pub const STRICT: WebhookPolicy = WebhookPolicy { allow_private: false };
    /// Any address (development and tests).
    pub const ALLOW_PRIVATE: WebhookPolicy = WebhookPolicy { allow_private: true };

    /// True when a delivery may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || !is_internal(ip)
    }

    /// Judges a URL by its host alone (see [`refuse_host`]), unless private
    /// addresses are allowed.
    pub fn refuse_host(&self, url: &Url) -> Option<&'static str> {
        if self.allow_private {
            None
        } else {
            refuse_host(url)
        }
    }

    /// The check when a webhook URL is saved: refuses `localhost`, internal
    /// literal addresses and names resolving to one. A name that does not
    /// resolve (or not in time) is accepted: DNS may be unreachable from the
    /// server right now, and every delivery checks the addresses again
    /// before connecting.
    #[cfg(feature = "ssr")]
    pub async fn check_at_save(&self, url: &str) -> Result<(), &'static str> {
        if self.allow_private {
            return Ok(());
        }
        let Ok(parsed) = Url::parse(url) else { return Ok(()) };
        if let Some(refusal) = refuse_host(&parsed) {
            return Err(refusal);
        }
        let (Some(Host::Domain(host)), Some(port)) = (parsed.host(), parsed.port_or_known_default()) else {
            return Ok(());
        };
        let lookup = tokio::net::lookup_host((host.to_owned(), port));
        match tokio::time::timeout(RESOLVE_TIMEOUT, lookup).await {
            Ok(Ok(addresses)) => match addresses.into_iter().any(|a| is_internal(a.ip())) {
                true => Err(REFUSAL),
                false => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// How long a save waits for DNS before accepting a host name unchecked.
#[cfg(feature = "ssr")]
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// What an operator reads when a URL is refused.
pub const REFUSAL: &str = "This webhook URL points at a loopback, private, link-local or cloud metadata address, \
which Keyhold does not send webhooks to. Use a public address.";

/// True for addresses a webhook must not reach: loopback, private (RFC 1918,
/// unique local), link-local (which holds the metadata services),
/// unspecified, shared (carrier-grade NAT), broadcast, multicast and
/// documentation ranges, including their IPv4-mapped and NAT64 forms.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_internal(v4),
        IpAddr::V6(v6) => v6_internal(v6),
    }
}

fn v4_internal(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    ip.is_unspecified()
        || a == 0 // 0.0.0.0/8: "this network"
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, including 169.254.169.254
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, shared address space
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // 192.0.0/24, protocol assignments
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a >= 240 // 240/4, reserved
}

fn v6_internal(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_internal(v4);
    }
    let s = ip.segments();
    // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last 32 bits.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [hi, lo] = [s[6], s[7]];
        return v4_internal(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8));
    }
    // ::a.b.c.d, the deprecated IPv4-compatible form.
    if s[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback() {
        return v4_internal(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // fc00::/7, unique local (AWS's fd00:ec2::254 too)
        || (s[0] & 0xffc0) == 0xfe80 // fe80::/10, link-local
        || (s[0] & 0xffc0) == 0xfec0 // fec0::/10, old site-local
        || ip.is_multicast()
        || s[0] == 0x2001 && s[1] == 0x0db8 // documentation
}

/// Judges a URL by its host alone, without looking anything up: `Some`
/// refusal for `localhost` (and `*.localhost`) and for internal literal
/// addresses, `None` for anything else (a host name is judged by what it
/// resolves to, see [`is_internal`]).
pub fn refuse_host(url: &Url) -> Option<&'static str> {
    match url.host()? {
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            (name == "localhost" || name.ends_with(".localhost")).then_some(REFUSAL)
        }
        Host::Ipv4(ip) => is_internal(IpAddr::V4(ip)).then_some(REFUSAL),
        Host::Ipv6(ip) => is_internal(IpAddr::V6(ip)).then_some(REFUSAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn internal_ipv4_ranges_are_refused() {
        for s in [
            "127.0.0.1",
            "127.255.0.9",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.100.100.200",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.0.170",
        ] {
            assert!(is_internal(ip(s)), "{s} should be internal");
        }
    }

    #[test]
    fn public_ipv4_addresses_are_allowed() {
        for s in ["8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "100.63.255.255", "100.128.0.1", "11.0.0.1"] {
            assert!(!is_internal(ip(s)), "{s} should be public");
        }
    }

    #[test]
    fn internal_ipv6_ranges_and_mapped_forms_are_refused() {
        for s in [
            "::1",
            "::",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "febf::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:192.168.0.1",
            "64:ff9b::a9fe:a9fe",
            "::127.0.0.1",
            "ff02::1",
        ] {
            assert!(is_internal(ip(s)), "{s} should be internal");
        }
    }

    #[test]
    fn public_ipv6_addresses_are_allowed() {
        for s in ["2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"] {
            assert!(!is_internal(ip(s)), "{s} should be public");
        }
    }

    fn refused(url: &str) -> bool {
        refuse_host(&Url::parse(url).unwrap()).is_some()
    }

    #[test]
    fn localhost_and_internal_literals_are_refused_by_host() {
        for url in [
            "http://localhost/hook",
            "http://LOCALHOST:8080/",
            "http://localhost./",
            "http://api.localhost/",
            "http://127.0.0.1/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://017700000001/",
            "http://0/",
        ] {
            assert!(refused(url), "{url} should be refused");
        }
    }

    #[test]
    fn the_policy_allows_internal_addresses_only_when_told_to() {
        let loopback = ip("127.0.0.1");
        assert!(!WebhookPolicy::STRICT.allows(loopback));
        assert!(WebhookPolicy::ALLOW_PRIVATE.allows(loopback));
        assert!(WebhookPolicy::STRICT.allows(ip("8.8.8.8")));
        let url = Url::parse("http://127.0.0.1:6379/").unwrap();
        assert!(WebhookPolicy::STRICT.refuse_host(&url).is_some());
        assert!(WebhookPolicy::ALLOW_PRIVATE.refuse_host(&url).is_none());
    }

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn saving_refuses_internal_literals_and_names_resolving_inside() {
        for url in ["http://127.0.0.1:6379/", "http://localhost/hook", "http://[::1]/", "http://169.254.169.254/latest"] {
            assert_eq!(WebhookPolicy::STRICT.check_at_save(url).await, Err(REFUSAL), "{url}");
            assert_eq!(WebhookPolicy::ALLOW_PRIVATE.check_at_save(url).await, Ok(()), "{url}");
        }
        assert_eq!(WebhookPolicy::STRICT.check_at_save("http://8.8.8.8/hook").await, Ok(()));
    }

    #[test]
    fn names_and_public_literals_are_left_to_resolution() {
        for url in ["https://example.com/hook", "https://localhost.example.com/", "http://8.8.8.8/", "http://[2606:4700::1]/"] {
            assert!(!refused(url), "{url} should pass the host check");
        }
    }
}
