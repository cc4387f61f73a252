//! Who the client is: the TCP peer, or, when the peer is one of the
//! reverse proxies the operator trusts (`KEYHOLD_TRUSTED_PROXIES`), the
//! address the proxies say they forwarded for. Every limit and the audit
//! log use the address decided here, and rate limits key IPv6 clients on
//! their /64 (one host usually owns a whole /64).

use ipnet::IpNet;
use std::{
    fmt,
    net::{IpAddr, Ipv6Addr, SocketAddr},
};

/// The networks whose `X-Forwarded-For` is believed. Empty (the default):
/// the header is ignored and the TCP peer is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma- or space-separated list of CIDRs or single addresses
    /// (`10.0.0.0/8, 127.0.0.1, ::1`).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split([',', ' ', '\t', '\n']).filter(|s| !s.is_empty()).map(parse_net).collect::<Result<Vec<_>, _>>().map(TrustedProxies)
    }

    /// True when `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The client of a connection from `peer` whose request carried these
    /// `X-Forwarded-For` header values (in the order received). Read from
    /// the right: each trusted proxy names the hop before it, and the first
    /// hop that is not a trusted proxy is the client. A value that is not
    /// an address stops the walk at the proxy that wrote it.
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl IntoIterator<Item = &'a str>) -> IpAddr {
        let mut client = canonical(peer);
        if !self.contains(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded_for.into_iter().flat_map(|value| value.split(',')).map(str::trim).collect();
        for hop in hops.into_iter().rev() {
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nets: Vec<String> = self.0.iter().map(IpNet::to_string).collect();
        f.write_str(&nets.join(", "))
    }
}

fn parse_net(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("“{text}” is not an address or a CIDR such as 10.0.0.0/8"))
}

/// One `X-Forwarded-For` entry: an address, maybe with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim_matches('"');
    hop.parse::<IpAddr>().or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip())).ok().map(canonical)
}

/// IPv4 clients that reach a dual-stack socket arrive as `::ffff:a.b.c.d`;
/// they are the IPv4 client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// What rate limits count a client by: its IPv4 address, or its IPv6 /64.
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("203.0.113.9"), ["10.0.0.1"]), ip("203.0.113.9"));
        assert_eq!(none.client(ip("127.0.0.1"), ["198.51.100.7"]), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_is_believed_about_the_hop_before_it() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("127.0.0.1"), ["198.51.100.7"]), ip("198.51.100.7"));
        // Two proxies in a row: the first hop that is not one is the client;
        // whatever the client itself put in front is ignored.
        assert_eq!(proxies.client(ip("127.0.0.1"), ["6.6.6.6, 198.51.100.7", "10.1.2.3"]), ip("198.51.100.7"));
        // An untrusted peer's header is ignored.
        assert_eq!(proxies.client(ip("192.0.2.1"), ["198.51.100.7"]), ip("192.0.2.1"));
        // No header, or nothing usable in it: the proxy itself.
        assert_eq!(proxies.client(ip("127.0.0.1"), []), ip("127.0.0.1"));
        assert_eq!(proxies.client(ip("127.0.0.1"), ["unknown"]), ip("127.0.0.1"));
        assert_eq!(proxies.client(ip("127.0.0.1"), ["198.51.100.7, garbage"]), ip("127.0.0.1"));
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_are_understood() {
        let proxies = TrustedProxies::parse("::1 127.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("::1"), ["[2001:db8::5]:4711"]), ip("2001:db8::5"));
        assert_eq!(proxies.client(ip("::ffff:127.0.0.1"), ["198.51.100.7:80"]), ip("198.51.100.7"));
        assert_eq!(proxies.client(ip("::ffff:203.0.113.1"), []), ip("203.0.113.1"));
    }

    #[test]
    fn a_bad_entry_is_refused_with_its_text() {
        let err = TrustedProxies::parse("10.0.0.0/8, proxy.internal").unwrap_err();
        assert!(err.contains("“proxy.internal”"), "{err}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert_eq!(TrustedProxies::parse("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(rate_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(rate_key(ip("2001:db8:1:2:ffff:1:2:3")), rate_key(ip("2001:db8:1:2::9")));
        assert_ne!(rate_key(ip("2001:db8:1:2::1")), rate_key(ip("2001:db8:1:3::1")));
        assert_eq!(rate_key(ip("192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(rate_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
