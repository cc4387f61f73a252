//! What every handler shares: the settings, the store, the services the
//! server functions get, the verifier and the webhook worker's tuning, all
//! built once from one [`Settings`].

use crate::{
    db::{self, PgStore},
    verify::{self, VerifyTuning},
    webhooks::{self, WebhookTuning},
};
use app::{domain::vault::TokenVault, services::Services, settings::Settings};
use leptos::prelude::LeptosOptions;
use std::{sync::Arc, time::Duration};

/// Behind one reference count: axum clones the state for each request
/// (several times on the verify route), and cloning these fields one by one
/// (the Leptos options alone hold five `Arc`s) was the largest item in a
/// verification's CPU profile.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

#[derive(Clone)]
pub struct SharedState {
    pub leptos_options: LeptosOptions,
    /// Read once from the environment (or built by a test).
    pub settings: Arc<Settings>,
    pub services: Services,
    pub store: PgStore,
    /// The sign-in sessions, on the same database.
    pub sessions: db::PgSessionStore,
    /// The verification API's cache, rate limit and last-use recorder.
    pub verifier: Arc<verify::Verifier>,
    /// How this server's webhook worker paces itself.
    pub webhook_tuning: WebhookTuning,
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Everything, from `settings`.
    pub fn new(leptos_options: LeptosOptions, store: PgStore, vault: TokenVault, settings: Settings) -> Self {
        let settings = Arc::new(settings);
        let services = Services::new(Arc::new(store.clone()), Arc::new(vault), settings.clone());
        let verifier = Arc::new(verify::Verifier::new(settings.verify_rate_limit, VerifyTuning::default()));
        let sessions = store.session_store();
        Self(Arc::new(SharedState {
            leptos_options,
            settings,
            services,
            store,
            sessions,
            verifier,
            webhook_tuning: WebhookTuning::default(),
        }))
    }

    /// The same state with its verifier tuned by `tuning`.
    pub fn with_verify_tuning(mut self, tuning: VerifyTuning) -> Self {
        let shared = Arc::make_mut(&mut self.0);
        shared.verifier = Arc::new(verify::Verifier::new(shared.settings.verify_rate_limit, tuning));
        self
    }

    /// The same state with its webhook worker tuned by `tuning`.
    pub fn with_webhook_tuning(mut self, tuning: WebhookTuning) -> Self {
        Arc::make_mut(&mut self.0).webhook_tuning = tuning;
        self
    }

    /// Starts this server's webhook worker; keep the handle for as long as
    /// the server runs.
    pub fn start_webhook_worker(&self) -> webhooks::WorkerHandle {
        webhooks::Worker::new(
            self.store.clone(),
            self.services.vault.clone(),
            self.webhook_tuning.clone(),
            self.settings.webhook_policy.clone(),
        )
        .start()
    }

    /// Starts the verification cache's listener and the last-use writer;
    /// keep the handle for as long as the server runs.
    pub fn start_background_tasks(&self) -> verify::BackgroundTasks {
        let tasks = self.verifier.start(&self.store);
        // Sessions past their idle time are refused on load; this only
        // keeps the table small.
        let sessions = self.sessions.clone();
        tasks.also(tokio::spawn(async move {
            use tower_sessions::session_store::ExpiredDeletion;
            let mut every = tokio::time::interval(Duration::from_secs(15 * 60));
            loop {
                every.tick().await;
                let _ = sessions.delete_expired().await;
            }
        }))
    }
}
