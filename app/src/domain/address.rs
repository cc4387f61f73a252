//! Which network addresses and ports a webhook may be sent to. Keyhold runs
//! inside an operator's network, so a webhook URL must not become a way to
//! reach the server itself, the private network around it, a cloud metadata
//! service, or a database port anywhere (server-side request forgery). The
//! rules here are checked when a URL is saved and again, on the resolved
//! addresses, when a delivery is sent.
//!
//! Addresses are judged by an allow-list: only global unicast addresses
//! pass (IPv4 outside every special-purpose block; IPv6 in 2000::/3 outside
//! its special blocks; NAT64 `64:ff9b::/96` by the IPv4 address it carries).
//! Everything else, including ranges nobody thought of yet, is refused.

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    sync::Arc,
};
use url::{Host, Url};

/// Where webhooks may be sent: the one policy that both saving a webhook
/// URL and sending a delivery apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// `KEYHOLD_ALLOW_PRIVATE_WEBHOOKS`: accept any address, loopback and
    /// private ones too (development and tests only).
    pub allow_private: bool,
    /// `KEYHOLD_WEBHOOK_PORTS`: which ports.
    pub ports: PortPolicy,
}

/// Which ports webhooks may be sent to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PortPolicy {
    /// 80, 443 and 1024–65535 except [`INTERNAL_PORTS`].
    #[default]
    Standard,
    /// Only these (inclusive) ranges.
    Only(Arc<[(u16, u16)]>),
}

/// Ports of well-known internal services (databases, caches, queues,
/// cluster and remote-desktop APIs) above 1023, which a webhook never needs.
pub const INTERNAL_PORTS: &[u16] = &[
    1080, 1433, 1521, 2049, 2181, 2375, 2376, 2379, 2380, 3306, 3389, 4369, 5432, 5672, 5984, 6379, 6443, 7000, 7001, 8200, 8500, 9042,
    9092, 9200, 9300, 10250, 10255, 11211, 15672, 27017,
];

impl PortPolicy {
    /// A comma-separated list of ports and ranges: `443, 8443, 9000-9100`.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (low, high) = item.split_once('-').map_or((item, item), |(a, b)| (a.trim(), b.trim()));
            let port = |s: &str| s.parse::<u16>().ok().filter(|p| *p > 0);
            match (port(low), port(high)) {
                (Some(low), Some(high)) if low <= high => ranges.push((low, high)),
                _ => return Err(format!("“{item}” is not a port (1–65535) or a range such as 9000-9100")),
            }
        }
        if ranges.is_empty() {
            return Err("list at least one port, such as 443".into());
        }
        Ok(PortPolicy::Only(ranges.into()))
    }

    pub fn allows(&self, port: u16) -> bool {
        match self {
            PortPolicy::Standard => port == 80 || port == 443 || (port >= 1024 && !INTERNAL_PORTS.contains(&port)),
            PortPolicy::Only(ranges) => ranges.iter().any(|(low, high)| (*low..=*high).contains(&port)),
        }
    }
}

impl fmt::Display for PortPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortPolicy::Standard => f.write_str("80, 443 and 1024–65535 except those of internal services such as databases"),
            PortPolicy::Only(ranges) => {
                let items: Vec<String> =
                    ranges.iter().map(|(low, high)| if low == high { low.to_string() } else { format!("{low}–{high}") }).collect();
                f.write_str(&items.join(", "))
            }
        }
    }
}

/// Why a webhook URL is refused when it is saved. Deliveries say less (see
/// the webhook sender): a refused address and an unreachable one look the
/// same there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a global unicast address (or a name resolving to one).
    Address,
    /// A port outside the port policy.
    Port(PortPolicy),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Address => f.write_str(ADDRESS_REFUSAL),
            Refusal::Port(ports) => write!(f, "Keyhold sends webhooks only to ports {ports}. Use another port."),
        }
    }
}

/// What an operator reads when a URL's address is refused.
pub const ADDRESS_REFUSAL: &str = "This webhook URL does not point at a public internet address (it is loopback, private, \
link-local, cloud metadata or another reserved range), which Keyhold does not send webhooks to. Use a public address.";

impl WebhookPolicy {
    /// Only public addresses, standard ports (the default).
    pub const STRICT: WebhookPolicy = WebhookPolicy { allow_private: false, ports: PortPolicy::Standard };
    /// Any address, standard ports (development and tests).
    pub const ALLOW_PRIVATE: WebhookPolicy = WebhookPolicy { allow_private: true, ports: PortPolicy::Standard };

    /// True when a delivery may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || is_global(ip)
    }

    /// Judges a URL by what it says, without looking anything up: its port,
    /// and its host when that is `localhost` or a literal address. A host
    /// name is judged by what it resolves to ([`WebhookPolicy::allows`]).
    pub fn refuse_url(&self, url: &Url) -> Option<Refusal> {
        if let Some(port) = url.port_or_known_default() {
            if !self.ports.allows(port) {
                return Some(Refusal::Port(self.ports.clone()));
            }
        }
        if self.allow_private {
            return None;
        }
        let refused = match url.host()? {
            Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
            Host::Ipv4(ip) => !is_global(IpAddr::V4(ip)),
            Host::Ipv6(ip) => !is_global(IpAddr::V6(ip)),
        };
        refused.then_some(Refusal::Address)
    }

    /// The check when a webhook URL is saved: [`WebhookPolicy::refuse_url`],
    /// then, for a host name, every address it resolves to. A name that does
    /// not resolve (or not in time) is accepted: DNS may be unreachable from
    /// the server right now, and every delivery checks the addresses again
    /// before connecting.
    #[cfg(feature = "ssr")]
    pub async fn check_at_save(&self, url: &str) -> Result<(), Refusal> {
        let Ok(parsed) = Url::parse(url) else { return Ok(()) };
        if let Some(refusal) = self.refuse_url(&parsed) {
            return Err(refusal);
        }
        let (Some(Host::Domain(host)), Some(port)) = (parsed.host(), parsed.port_or_known_default()) else {
            return Ok(());
        };
        if self.allow_private {
            return Ok(());
        }
        let lookup = tokio::net::lookup_host((host.to_owned(), port));
        match tokio::time::timeout(RESOLVE_TIMEOUT, lookup).await {
            Ok(Ok(addresses)) => match addresses.into_iter().all(|a| is_global(a.ip())) {
                true => Ok(()),
                false => Err(Refusal::Address),
            },
            _ => Ok(()),
        }
    }
}

/// How long a save waits for DNS before accepting a host name unchecked.
#[cfg(feature = "ssr")]
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// IPv4 blocks that are not global unicast: the IANA special-purpose
/// registry's blocks that are not globally reachable, the deprecated 6to4
/// relay anycast block, multicast and the reserved 240/4 (with the
/// broadcast address).
const V4_NOT_GLOBAL: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network"
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // shared address space (carrier-grade NAT)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local, cloud metadata (169.254.169.254)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // 6to4 relay anycast (deprecated)
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, broadcast
];

/// Blocks inside IPv6's global unicast 2000::/3 that are not global.
const V6_NOT_GLOBAL: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16), // 6to4, which carries any IPv4 address
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation
];

fn v4_in(ip: Ipv4Addr, (net, len): (Ipv4Addr, u8)) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    u32::from(ip) & mask == u32::from(net) & mask
}

fn v6_in(ip: Ipv6Addr, (net, len): (Ipv6Addr, u8)) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

/// True only for global unicast addresses, the only ones a webhook may
/// reach (see the module's documentation).
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_global(v4),
        IpAddr::V6(v6) => v6_global(v6),
    }
}

fn v4_global(ip: Ipv4Addr) -> bool {
    !V4_NOT_GLOBAL.iter().any(|block| v4_in(ip, *block))
}

fn v6_global(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // 64:ff9b::/96, NAT64's well-known prefix: the IPv4 address it carries decides.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return v4_global(Ipv4Addr::new(a, b, c, d));
    }
    // Everything else outside 2000::/3 (IPv4-mapped and -translated forms,
    // the local-use NAT64 prefix 64:ff9b:1::/48, unique local, link-local,
    // multicast, loopback, ...) is refused.
    (s[0] & 0xe000) == 0x2000 && !V6_NOT_GLOBAL.iter().any(|block| v6_in(ip, *block))
}

/// One address of each kind a webhook must never reach: every block of
/// [`V4_NOT_GLOBAL`] and [`V6_NOT_GLOBAL`], the IPv6 forms outside 2000::/3
/// and the blocks a security review found accepted (198.18.0.0/15, 6to4
/// carrying 127.x and 10.x, 64:ff9b:1::/48, IPv4-mapped and -translated
/// forms, Teredo). The tests of every door (the Keys page, the command line,
/// the resolver) check each is refused.
pub const REFUSED_EXAMPLES: &[&str] = &[
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "0.1.2.3",
    "100.64.0.1",
    "100.100.100.200",
    "255.255.255.255",
    "224.0.0.1",
    "192.0.0.170",
    "192.0.2.1",
    "192.88.99.1",
    "198.18.0.1",
    "198.19.255.254",
    "198.51.100.1",
    "203.0.113.1",
    "240.0.0.1",
    "::1",
    "::",
    "fc00::1",
    "fd00:ec2::254",
    "fe80::1",
    "febf::1",
    "fec0::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:8.8.8.8",
    "::ffff:0:7f00:1",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b::7f00:1",
    "64:ff9b:1::a00:1",
    "64:ff9b:1::808:808",
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2002:808:808::1",
    "2001::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:2::1",
    "2001:db8::1",
    "3fff::1",
    "100::1",
    "4000::1",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn every_special_address_is_refused() {
        for s in REFUSED_EXAMPLES {
            assert!(!is_global(ip(s)), "{s} must be refused");
        }
    }

    #[test]
    fn global_unicast_addresses_are_allowed() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.169.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "11.0.0.1",
            "198.20.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "2001:4860:4860::8888",
            "64:ff9b::808:808",
        ] {
            assert!(is_global(ip(s)), "{s} should be allowed");
        }
    }

    fn refused(url: &str) -> Option<Refusal> {
        WebhookPolicy::STRICT.refuse_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn localhost_and_special_literals_are_refused_by_the_url_alone() {
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
            "http://198.18.0.1/",
            "http://[2002:7f00:1::]/",
            "http://[64:ff9b:1::a00:1]/",
            "http://[2001::1]/",
        ] {
            assert_eq!(refused(url), Some(Refusal::Address), "{url}");
        }
    }

    #[test]
    fn ports_are_80_443_and_high_ones_except_internal_services() {
        let standard = PortPolicy::Standard;
        for port in [80, 443, 1024, 8080, 8443, 9000, 65535] {
            assert!(standard.allows(port), "{port}");
        }
        for port in [0, 1, 22, 25, 81, 444, 1023, 6379, 5432, 3306, 27017, 11211, 2375, 10250] {
            assert!(!standard.allows(port), "{port}");
        }
        assert!(matches!(refused("https://hooks.example.com:6379/"), Some(Refusal::Port(_))));
        assert!(matches!(refused("http://hooks.example.com:22/"), Some(Refusal::Port(_))));
        assert_eq!(refused("https://hooks.example.com:8443/"), None);
        // Ports are judged with private addresses allowed, too.
        let dev = WebhookPolicy::ALLOW_PRIVATE;
        assert!(matches!(dev.refuse_url(&Url::parse("http://127.0.0.1:6379/").unwrap()), Some(Refusal::Port(_))));
        assert_eq!(dev.refuse_url(&Url::parse("http://127.0.0.1:9000/").unwrap()), None);
    }

    #[test]
    fn a_port_setting_lists_ports_and_ranges() {
        let only = PortPolicy::parse("443, 9000-9100").unwrap();
        assert!(only.allows(443) && only.allows(9000) && only.allows(9100));
        assert!(!only.allows(80) && !only.allows(9101));
        assert_eq!(only.to_string(), "443, 9000–9100");
        for bad in ["", "http", "0", "70000", "9100-9000", "443,,x"] {
            assert!(PortPolicy::parse(bad).is_err(), "{bad:?}");
        }
        let message = Refusal::Port(only).to_string();
        assert_eq!(message, "Keyhold sends webhooks only to ports 443, 9000–9100. Use another port.");
    }

    #[test]
    fn the_policy_allows_internal_addresses_only_when_told_to() {
        let loopback = ip("127.0.0.1");
        assert!(!WebhookPolicy::STRICT.allows(loopback));
        assert!(WebhookPolicy::ALLOW_PRIVATE.allows(loopback));
        assert!(WebhookPolicy::STRICT.allows(ip("8.8.8.8")));
        let url = Url::parse("http://127.0.0.1:9000/").unwrap();
        assert_eq!(WebhookPolicy::STRICT.refuse_url(&url), Some(Refusal::Address));
        assert_eq!(WebhookPolicy::ALLOW_PRIVATE.refuse_url(&url), None);
    }

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn saving_refuses_special_literals_and_names_resolving_inside() {
        for url in
            ["http://127.0.0.1:9000/", "http://localhost/hook", "http://[::1]/", "http://169.254.169.254/latest", "http://198.18.0.1/"]
        {
            assert_eq!(WebhookPolicy::STRICT.check_at_save(url).await, Err(Refusal::Address), "{url}");
            assert_eq!(WebhookPolicy::ALLOW_PRIVATE.check_at_save(url).await, Ok(()), "{url}");
        }
        assert_eq!(WebhookPolicy::STRICT.check_at_save("http://8.8.8.8/hook").await, Ok(()));
        assert!(matches!(WebhookPolicy::STRICT.check_at_save("http://8.8.8.8:5432/").await, Err(Refusal::Port(_))));
    }

    #[test]
    fn names_and_public_literals_are_left_to_resolution() {
        for url in ["https://example.com/hook", "https://localhost.example.com/", "http://8.8.8.8/", "http://[2606:4700::1]/"] {
            assert_eq!(refused(url), None, "{url}");
        }
    }
}
