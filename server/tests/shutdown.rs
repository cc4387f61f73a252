//! `keyhold serve` stopped as systemd, Docker and Kubernetes stop it: a real
//! SIGTERM to the real binary, on the test's own database.

mod common;

use app::domain::vault::TokenVault;
use common::serve::{database_url, key_for_servers, read_all, Serve};
use keyhold::shutdown::HTTP_GRACE;
use sqlx::PgPool;
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Opens `POST /api/v1/keys/verify` with `Expect: 100-continue` and waits
/// for the server's `100 Continue`, which it sends once the handler reads
/// the body: from then on the request is in flight. The body is not sent.
async fn verification_in_flight(server: &Serve, body: &str) -> TcpStream {
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/keys/verify HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nexpect: 100-continue\r\n\r\n",
        server.addr,
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut interim = [0u8; 25];
    conn.read_exact(&mut interim).await.unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n", "the handler is reading the body");
    conn
}

/// Polls until connecting to `server` is refused.
async fn until_connections_are_refused(server: &Serve) {
    let start = tokio::time::Instant::now();
    loop {
        match TcpStream::connect(server.addr).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return,
            _ => {}
        }
        assert!(start.elapsed() < Duration::from_secs(30), "keyhold still accepts connections after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn sigterm_finishes_the_request_in_flight_refuses_new_connections_and_exits_0(pool: PgPool) {
    // A port nobody listens on (and one the port rule allows).
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let (master, key, token) = key_for_servers(&pool, &format!("http://{closed}/nobody-listens")).await;
    let mut server = Serve::start(&database_url(&pool).await, &master).await;
    server.wait_until_serving().await;

    let body = serde_json::json!({ "key": token.expose() }).to_string();
    let mut conn = verification_in_flight(&server, &body).await;
    server.terminate();
    until_connections_are_refused(&server).await;
    assert!(server.child.try_wait().unwrap().is_none(), "keyhold waits for the request in flight");

    conn.write_all(body.as_bytes()).await.unwrap();
    let answer = read_all(&mut conn).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "the request in flight is answered: {answer}");
    assert!(answer.contains(r#""code":"VALID""#), "{answer}");
    let status = server.exit_status(Duration::from_secs(30)).await;
    assert!(status.success(), "keyhold exits 0 after SIGTERM, got {status}");
    let last_used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT last_used_at FROM api_keys WHERE id = $1").bind(key.id).fetch_one(&pool).await.unwrap();
    assert!(last_used.is_some(), "the verification's use was written before exiting");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_request_that_never_finishes_does_not_keep_a_stopping_server_alive(pool: PgPool) {
    let mut server = Serve::start(&database_url(&pool).await, &TokenVault::generate_master_key()).await;
    server.wait_until_serving().await;
    // A client that stalls mid-body and never sends the rest.
    let mut conn = verification_in_flight(&server, r#"{"key": "kh_never_sent"}"#).await;

    server.terminate();
    let status = server.exit_status(HTTP_GRACE + Duration::from_secs(30)).await;
    assert!(status.success(), "keyhold exits 0 once the grace is over, got {status}");
    // Cut off when the grace ran out; the request timeout (30 s) would have answered 408.
    let answer = read_all(&mut conn).await;
    assert!(answer.is_empty(), "the stalled request was cut off without an answer, got: {answer}");
}
