//! Serving the router on a TCP listener, with the two limits `axum::serve`
//! lacks: a client must send each request's head within the header timeout
//! (the same timer closes a connection idle that long between requests),
//! and at most so many connections are served at once; further clients
//! wait in the listen queue until one closes. On `stop` the listener closes
//! at once (new connections are refused), every connection finishes the
//! request it is serving and closes, and [`serve`] returns after the last.

use app::settings::Settings;
use axum::{body::Body, extract::ConnectInfo, Router};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::{future::Future, sync::Arc, time::Duration};
use tokio::{
    net::TcpListener,
    sync::{watch, Semaphore},
};
use tower::ServiceExt;

/// How long a client may take, and how many may be served at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest the server waits for a request's head.
    pub header_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: u32,
}

impl Limits {
    /// `KEYHOLD_HEADER_TIMEOUT` and `KEYHOLD_MAX_CONNECTIONS`.
    pub fn of(settings: &Settings) -> Self {
        Self { header_timeout: settings.header_timeout, max_connections: settings.max_connections.get() }
    }
}

/// Serves `router` on `listener` within `limits` until `stop` resolves,
/// then until the last connection has closed. Each request carries its
/// peer's [`ConnectInfo<SocketAddr>`], as with
/// `into_make_service_with_connect_info`.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, stop: impl Future<Output = ()>) {
    let max = limits.max_connections.max(1);
    // A connection holds a slot until it has closed; no slot, no accept.
    let slots = Arc::new(Semaphore::new(max as usize));
    let (closing, closed) = watch::channel(false);
    // HTTP/1.1 only (behind a TLS proxy, what proxies speak): hyper's
    // auto-detecting builder waits for the first bytes without any timeout.
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            biased;
            () = &mut stop => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, most likely: wait a little
                    // rather than spin (connection errors pass at once).
                    if !is_connection_error(&err) {
                        tracing::error!(error = %err, "cannot accept a connection");
                        tokio::select! {
                            () = &mut stop => break,
                            () = tokio::time::sleep(Duration::from_millis(200)) => {}
                        }
                    }
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(Body::new))
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let mut closed = closed.clone();
        tokio::spawn(async move {
            let _slot = slot;
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = closed.wait_for(|closing| *closing) => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = closing.send(true);
    // Every slot back: every connection has closed.
    let _ = slots.acquire_many(max).await;
}

fn is_connection_error(err: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(err.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}
