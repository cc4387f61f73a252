//! The loop that sends deliveries: claim a batch (each the oldest pending
//! delivery of its key), send them concurrently, record each outcome.

use super::{backoff, deliver::Sender, tuning::WebhookTuning};
use crate::db::{
    listen::{Heard, NEW_DELIVERIES},
    PgStore,
};
use app::{
    domain::{address::WebhookPolicy, vault::TokenVault, webhook_secret::WebhookSecret},
    error::AppError,
    store::{Claimed, Outbox, WebhookStore},
};
use rand::Rng;
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::{
    sync::{watch, Notify},
    task::{JoinHandle, JoinSet},
};
use uuid::Uuid;

/// Sends the outbox's deliveries. Several workers (in one process or many)
/// may share a database.
#[derive(Clone)]
pub struct Worker {
    store: PgStore,
    vault: Arc<TokenVault>,
    tuning: Arc<WebhookTuning>,
    sender: Sender,
}

impl Worker {
    /// A worker sending where `policy` allows, paced by `tuning`.
    pub fn new(store: PgStore, vault: Arc<TokenVault>, tuning: WebhookTuning, policy: WebhookPolicy) -> Self {
        let sender = Sender::new(policy, tuning.timeout);
        Self { store, vault, tuning: Arc::new(tuning), sender }
    }

    /// Runs the loop in the background until the handle is shut down or
    /// dropped.
    pub fn start(self) -> WorkerHandle {
        let (stop, stop_rx) = watch::channel(None);
        let wake = Arc::new(Notify::new());
        let listener = tokio::spawn(listen(self.store.clone(), wake.clone()));
        let task = tokio::spawn(self.run(stop_rx, wake));
        WorkerHandle { task: Some(task), listener, stop }
    }

    async fn run(self, mut stop: StopAt, wake: Arc<Notify>) {
        let mut last_scan: Option<Instant> = None;
        while stop.borrow().is_none() {
            if last_scan.is_none_or(|t| t.elapsed() >= self.tuning.expiry_scan_interval) {
                last_scan = Some(Instant::now());
                if let Err(err) = self.scan().await {
                    tracing::warn!(?err, "the scan for expiring keys failed; trying again later");
                }
            }
            let wait = match self.run_batch(Some(&mut stop)).await {
                Ok(0) => self.tuning.poll_interval,
                // More may be due at once: the rest of a full batch, or the
                // next event of a key whose earlier one just went out.
                Ok(_) => Duration::ZERO,
                Err(err) => {
                    tracing::warn!(?err, "webhook deliveries could not be claimed; trying again shortly");
                    self.tuning.poll_interval.max(Duration::from_secs(1))
                }
            };
            if !wait.is_zero() && stop.borrow().is_none() {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = wake.notified() => {}
                    changed = stop.changed() => if changed.is_err() { break },
                }
            }
        }
        tracing::debug!("the webhook worker stopped");
    }

    /// Queues due `key.expiring` events, deletes finished deliveries past
    /// their retention and forgets secrets no delivery needs any more.
    /// Answers with the number of `key.expiring` events queued.
    pub async fn scan(&self) -> Result<usize, AppError> {
        let queued = self.store.enqueue_expiring().await?;
        self.store.prune_deliveries(self.tuning.retention, self.tuning.prune_batch).await?;
        self.store.forget_unused_webhook_secrets().await?;
        Ok(queued)
    }

    /// Claims one batch of due deliveries, sends them and records the
    /// outcomes; answers with how many were sent.
    pub async fn run_once(&self) -> Result<usize, AppError> {
        self.run_batch(None).await
    }

    /// [`Worker::run_once`], stopping early when `stop` asks: a batch claimed
    /// after the request is handed back unsent, and attempts still running
    /// at its deadline are cut short and handed back, so that another server
    /// sends them at once instead of after the lease.
    async fn run_batch(&self, mut stop: Option<&mut StopAt>) -> Result<usize, AppError> {
        let claimed = self.store.claim_deliveries(self.tuning.batch, self.tuning.lease).await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        if stop.as_ref().is_some_and(|s| s.borrow().is_some()) {
            let unsent: Vec<_> = claimed.iter().map(|d| (d.id, d.attempts)).collect();
            self.store.release_deliveries(&unsent, false).await?;
            return Ok(0);
        }
        let secrets = self.secrets(&claimed).await?;
        let mut sends = JoinSet::new();
        // Which delivery (and claim) each send task is working on.
        let mut in_flight = HashMap::with_capacity(claimed.len());
        for delivery in claimed {
            let worker = self.clone();
            let claim = (delivery.id, delivery.attempts);
            let task = match secrets.get(&delivery.key_id).cloned() {
                Some(secret) => sends.spawn(async move { worker.deliver(delivery, secret).await }),
                // Never sent unsigned; the reason was logged.
                None => sends.spawn(async move {
                    worker
                        .failed(
                            &delivery,
                            None,
                            "the signing secret could not be decrypted (is KEYHOLD_MASTER_KEY the one it was made with?)",
                        )
                        .await
                }),
            };
            in_flight.insert(task.id(), claim);
        }
        let cut_off = async {
            match stop.as_deref_mut() {
                Some(stop) => cut_off(stop).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(cut_off);
        let mut sent = 0;
        let mut cut = false;
        loop {
            let outcome = tokio::select! {
                outcome = sends.join_next_with_id() => outcome,
                () = &mut cut_off, if !cut => {
                    cut = true;
                    sends.abort_all();
                    continue;
                }
            };
            let Some(outcome) = outcome else { break };
            match outcome {
                Ok((task, Ok(()))) => {
                    in_flight.remove(&task);
                    sent += 1;
                }
                Ok((task, Err(err))) => {
                    in_flight.remove(&task);
                    tracing::warn!(?err, "a webhook outcome could not be recorded; the delivery is retried when its lease ends")
                }
                // Cut short: still in `in_flight`, handed back below.
                Err(err) if err.is_cancelled() => {}
                Err(err) => {
                    in_flight.remove(&err.id());
                    tracing::error!(%err, "a webhook delivery task failed")
                }
            }
        }
        if !in_flight.is_empty() {
            let cut: Vec<_> = in_flight.into_values().collect();
            tracing::warn!(
                deliveries = cut.len(),
                "shutting down: webhook attempts still waiting for their receivers were cut short and handed back"
            );
            self.store.release_deliveries(&cut, true).await?;
        }
        Ok(sent)
    }

    async fn deliver(&self, delivery: Claimed, secret: WebhookSecret) -> Result<(), AppError> {
        let id = delivery.id.to_string();
        let attempt = self.sender.send(&delivery.url, &id, &delivery.payload, secret.bytes()).await;
        if attempt.succeeded() {
            tracing::debug!(delivery = %delivery.id, status = ?attempt.status, "webhook delivered");
            return self.store.record_delivered(&delivery, attempt.status.unwrap_or(200)).await;
        }
        let error = attempt.error.as_deref().unwrap_or("the receiver did not accept the delivery");
        self.failed(&delivery, attempt.status, error).await
    }

    /// Schedules the next attempt, or marks the delivery failed when no
    /// retries are left.
    async fn failed(&self, delivery: &Claimed, status: Option<u16>, error: &str) -> Result<(), AppError> {
        let attempts = u32::try_from(delivery.attempts).unwrap_or(u32::MAX);
        let retry_in = backoff::next_delay(&self.tuning.schedule, attempts, rand::rng().random::<f64>());
        tracing::info!(delivery = %delivery.id, attempts, ?status, error, ?retry_in, "webhook attempt failed");
        self.store.record_failure(delivery, status, error, retry_in).await
    }

    /// The secrets of the claimed deliveries' keys (created for keys that
    /// have none yet).
    async fn secrets(&self, claimed: &[Claimed]) -> Result<HashMap<Uuid, WebhookSecret>, AppError> {
        let mut ids: Vec<Uuid> = claimed.iter().map(|d| d.key_id).collect();
        ids.sort_unstable();
        ids.dedup();
        self.store.signing_secrets(&self.vault, &ids).await
    }
}

/// Wakes the worker whenever deliveries are added (see the trigger in
/// `migrations/*_webhooks.sql`). Only a shortcut: while it is not connected
/// the worker still looks every poll interval.
async fn listen(store: PgStore, wake: Arc<Notify>) {
    store
        .listen(NEW_DELIVERIES, |heard| match heard {
            // Anything added while not listening is due now.
            Heard::Listening | Heard::Notification(_) => wake.notify_one(),
            Heard::Lost(reason) => tracing::debug!(error = reason, "cannot listen for new webhook deliveries"),
        })
        .await;
}

/// What [`WorkerHandle::shutdown`] tells the loop: claim nothing more, and
/// cut attempts still in flight short at this instant.
type StopAt = watch::Receiver<Option<tokio::time::Instant>>;

/// Resolves once a stop was asked for and its deadline has passed (at once
/// when the handle is gone).
async fn cut_off(stop: &mut StopAt) {
    let deadline = match stop.wait_for(Option::is_some).await {
        Ok(deadline) => *deadline,
        Err(_) => None,
    };
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline).await;
    }
}

/// Longest a shutdown waits, after its grace, for the worker to hand back
/// what it cut short (one database write).
const HAND_BACK_TIMEOUT: Duration = Duration::from_secs(5);

/// The running worker; dropping it stops the loop at once (a delivery in
/// flight is sent again when its lease ends).
#[derive(Debug)]
#[must_use = "dropping the handle stops the worker"]
pub struct WorkerHandle {
    task: Option<JoinHandle<()>>,
    listener: JoinHandle<()>,
    stop: watch::Sender<Option<tokio::time::Instant>>,
}

impl WorkerHandle {
    /// Claims nothing more and lets the attempts in flight finish for at
    /// most `grace`; those still waiting for their receivers then are cut
    /// short and handed back (their lease ended, so any server sends them
    /// again at once, with the same `webhook-id`).
    pub async fn shutdown(mut self, grace: Duration) {
        let _ = self.stop.send(Some(tokio::time::Instant::now() + grace));
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(grace + HAND_BACK_TIMEOUT, task).await.is_err() {
                abort.abort();
                tracing::warn!("the webhook worker did not stop in time; deliveries it held are sent again when their lease ends");
            }
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.listener.abort();
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}
