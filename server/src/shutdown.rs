//! Stopping `keyhold serve` cleanly on SIGTERM (what systemd, Docker and
//! Kubernetes send) or Ctrl-C: stop accepting connections, let requests in
//! flight finish, let the webhook worker hand back what it holds, write the
//! last uses of keys, exit 0.

use std::time::Duration;
use tokio::sync::watch;

/// Longest requests in flight may take to finish after the signal; those
/// still running then are cut off (requests time out after 30 s anyway).
pub const HTTP_GRACE: Duration = Duration::from_secs(10);

/// Longest webhook attempts in flight may wait for their receivers after
/// the signal; the rest are handed back for another server to send.
pub const WEBHOOK_GRACE: Duration = Duration::from_secs(5);

/// Becomes true, once, when the process is asked to stop.
#[derive(Debug, Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    /// Listens for SIGTERM and Ctrl-C (SIGINT) from now on.
    pub fn on_signals() -> std::io::Result<Self> {
        let (tx, rx) = watch::channel(false);
        #[cfg(unix)]
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::spawn(async move {
            #[cfg(unix)]
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "Ctrl-C",
            };
            #[cfg(not(unix))]
            let name = {
                let _ = tokio::signal::ctrl_c().await;
                "Ctrl-C"
            };
            tracing::info!(
                signal = name,
                "shutting down: no new connections; requests in flight get {} s, webhook attempts {} s",
                HTTP_GRACE.as_secs(),
                WEBHOOK_GRACE.as_secs()
            );
            let _ = tx.send(true);
        });
        Ok(Self(rx))
    }

    /// Resolves once a stop was asked for.
    pub async fn wait(mut self) {
        // An error means the listener is gone, which it never is before it sent.
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }

    /// Resolves `grace` after a stop was asked for.
    pub async fn wait_then(self, grace: Duration) {
        self.wait().await;
        tokio::time::sleep(grace).await;
    }
}
