//! The client's address, decided once per request for every route: the TCP
//! peer, or, when the peer is a trusted proxy (`KEYHOLD_TRUSTED_PROXIES`),
//! whom it forwarded for. The rate limits (verification, sign-in), the
//! sign-in guard and the audit log all read it from the request's
//! extensions ([`ClientAddress`]); a new door reads it with [`of`].

use crate::state::AppState;
use app::services::ClientAddress;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{request::Parts, HeaderMap},
    middleware::Next,
    response::Response,
};
use std::net::{IpAddr, SocketAddr};

/// The header proxies name the client in.
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// Puts the request's [`ClientAddress`] in its extensions (none when the
/// router is driven without a socket and no `ConnectInfo`).
pub async fn decide(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = client_of(&state.settings.trusted_proxies, peer.ip(), request.headers());
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}

/// The client of a request from `peer` carrying `headers`.
pub fn client_of(proxies: &app::domain::client_address::TrustedProxies, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let forwarded = headers.get_all(FORWARDED_FOR).iter().filter_map(|v| v.to_str().ok());
    proxies.client(peer, forwarded)
}

/// The client's address as [`decide`] put it in the request, if known.
pub fn of(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ClientAddress>().map(|ClientAddress(ip)| *ip)
}

/// The same, from a whole request.
pub fn of_request(request: &Request) -> Option<IpAddr> {
    request.extensions().get::<ClientAddress>().map(|ClientAddress(ip)| *ip)
}
