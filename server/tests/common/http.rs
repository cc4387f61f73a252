//! Real servers on loopback sockets, for tests that need more than one
//! server (or real client addresses), and a small HTTP/1.1 client for them.

use super::Reply;
use axum::{
    body::Bytes,
    http::{header, Method, Request},
    Router,
};
use http_body_util::{BodyExt, Full};
use hyper_util::{
    client::legacy::{connect::HttpConnector, Client},
    rt::TokioExecutor,
};
use std::net::SocketAddr;
use tokio::task::JoinHandle;

/// A router served on `127.0.0.1:<free port>` until dropped.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    pub async fn start(router: Router) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port is free");
        let addr = listener.local_addr().expect("the listener has an address");
        let task = tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("the test server runs");
        });
        Self { addr, task }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A keep-alive HTTP/1.1 client.
#[derive(Clone)]
pub struct HttpClient {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Default for HttpClient {
    fn default() -> Self {
        Self { client: Client::builder(TokioExecutor::new()).build_http() }
    }
}

impl HttpClient {
    pub async fn send(&self, request: Request<Full<Bytes>>) -> Reply {
        let response = self.client.request(request).await.expect("the test server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("the body can be read").to_bytes();
        Reply { status, headers, body }
    }

    /// `POST /api/v1/keys/verify` on `server` with `{"key": token}`.
    pub async fn verify(&self, server: &Server, token: &str) -> Reply {
        let body = serde_json::json!({ "key": token }).to_string();
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("http://{}/api/v1/keys/verify", server.addr))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        self.send(request).await
    }

    /// A server function on `server`, called as the Leptos client does,
    /// with the session `cookie` (`name=value`).
    pub async fn rpc(&self, server: &Server, cookie: &str, endpoint: &str, form: &str) -> Reply {
        let request = Request::builder()
            .header(header::COOKIE, cookie)
            .method(Method::POST)
            .uri(format!("http://{}/rpc/{endpoint}", server.addr))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Full::new(Bytes::from(form.to_owned())))
            .unwrap();
        self.send(request).await
    }
}
