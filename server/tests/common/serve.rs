//! `keyhold serve` as a child process on a test's own database, stopped
//! the way systemd and Kubernetes stop it (SIGTERM) or killed outright.

use app::{
    domain::{
        actor::Actor,
        address::WebhookPolicy,
        draft::{KeyDraft, KeyInput},
        key::ApiKey,
        key_change::NewKey,
        token::Token,
        vault::TokenVault,
    },
    store::{AccountStore, KeyStore},
};
use keyhold::db::PgStore;
use sqlx::PgPool;
use std::{net::SocketAddr, process::ExitStatus, time::Duration};
use tokio::{io::AsyncWriteExt, net::TcpStream, process::Child};

pub struct Serve {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Serve {
    /// Starts the built binary on a free loopback port; see [`Serve::wait_until_serving`].
    pub async fn start(database_url: &str, master_key: &str) -> Self {
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_keyhold"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("LEPTOS_OUTPUT_NAME", "keyhold")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("KEYHOLD_MASTER_KEY", master_key)
            .env("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS", "true")
            .env("RUST_LOG", "keyhold=warn")
            .current_dir(std::env::temp_dir())
            .kill_on_drop(true)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the keyhold binary starts");
        Self { child, addr }
    }

    /// Waits until the server answers `GET /api/v1/health/live`.
    pub async fn wait_until_serving(&mut self) {
        let start = tokio::time::Instant::now();
        loop {
            if let Ok(mut conn) = TcpStream::connect(self.addr).await {
                let request = format!("GET /api/v1/health/live HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n\r\n", self.addr);
                if conn.write_all(request.as_bytes()).await.is_ok() && read_all(&mut conn).await.starts_with("HTTP/1.1 200") {
                    return;
                }
            }
            assert!(self.child.try_wait().unwrap().is_none(), "keyhold exited before it served");
            assert!(start.elapsed() < Duration::from_secs(60), "keyhold did not answer on {}", self.addr);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the server is running");
        let status = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill runs");
        assert!(status.success(), "kill -TERM {pid} failed");
    }

    /// Waits (at most `deadline`) for the process to end.
    pub async fn exit_status(&mut self, deadline: Duration) -> ExitStatus {
        tokio::time::timeout(deadline, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("keyhold did not exit within {deadline:?}"))
            .unwrap()
    }

    /// SIGKILL: no shutdown, no chance to record anything.
    pub async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }
}

/// Everything the peer sends until it closes the connection, as text.
pub async fn read_all(conn: &mut TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut bytes = Vec::new();
    let _ = conn.read_to_end(&mut bytes).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The URL of the test's own database (`#[sqlx::test]` made it).
pub async fn database_url(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()").fetch_one(pool).await.unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for #[sqlx::test]");
    let (server, _) = base.rsplit_once('/').expect("DATABASE_URL ends with a database name");
    format!("{server}/{name}")
}

/// A master key for `keyhold serve` processes, and a key made under it
/// (granting Default) whose webhook goes to `webhook_url`, with its token.
pub async fn key_for_servers(pool: &PgPool, webhook_url: &str) -> (String, ApiKey, Token) {
    let master = TokenVault::generate_master_key();
    let vault = TokenVault::from_base64(&master).unwrap();
    let store = PgStore::new(pool.clone());
    let account = store.list_accounts().await.unwrap().remove(0);
    let input = KeyInput {
        name: "Survivor".into(),
        webhook_url: webhook_url.into(),
        accounts: vec![account.id.to_string()],
        expires: String::new(),
    };
    let token = Token::generate();
    let draft = KeyDraft::parse(&input, &WebhookPolicy::ALLOW_PRIVATE).await.unwrap();
    let key = store.create_key(&Actor::CommandLine, &NewKey { draft, avatar: None, token: vault.seal(&token) }).await.unwrap();
    (master, key, token)
}
