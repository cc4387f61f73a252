//! `keyhold`: serves the Keys page, or manages accounts and keys from the
//! shell (see `cli.rs`).

use app::settings::Settings;
use clap::{Parser, Subcommand};
use keyhold::{
    cli::{self, AccountCommand, KeyCommand, OperatorCommand, TokenCommand},
    db, router, shutdown, AppState,
};
use secrecy::ExposeSecret;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "keyhold", about = "Self-hosted API key manager", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Manage accounts.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Manage the operators who sign in to the web app.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Manage API keys.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Manage the management API's tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    // Logs go to stderr: stdout carries only what a command prints for
    // scripts (`token=$(keyhold token create ...)`).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "keyhold=info,tower_http=warn,warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("keyhold: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let pool = db::connect(settings.database_url.expose_secret()).await.map_err(|e| {
        format!(
            "cannot open the database ({}). Set DATABASE_URL to a reachable PostgreSQL database, \
             for example postgres://postgres@127.0.0.1:5432/keyhold",
            db_reason(&e)
        )
    })?;
    db::migrate(&pool).await.map_err(|e| format!("cannot migrate the database: {e}"))?;
    let store = db::PgStore::new(pool);
    match command {
        Command::Serve => serve(settings, store).await,
        Command::Account { command } => cli::account(&store, command).await,
        Command::Operator { command } => cli::operator(&store, command).await,
        Command::Token { command } => cli::token(&store, command).await,
        Command::Key { command } => {
            let vault = settings.vault().map_err(|e| e.to_string())?;
            cli::key(&store, &vault, &settings.webhook_policy, command).await
        }
    }
}

/// Every password check (Argon2id) allocates a 19 MiB block. glibc raises
/// its mmap threshold to the largest block freed, so from the first check
/// on such blocks came from the heap of whichever thread ran the check and
/// stayed there: a sign-in flood left the process tens of MiB larger per
/// thread it had used. A fixed threshold keeps each large block mapped on
/// its own and returned to the system when the check ends.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; any value is valid.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

/// A short reason without the URL (it may carry a password).
fn db_reason(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Io(e) => e.to_string(),
        sqlx::Error::Database(e) => e.message().to_string(),
        sqlx::Error::Configuration(_) => "DATABASE_URL is not a valid postgres:// URL".into(),
        sqlx::Error::PoolTimedOut => "timed out connecting".into(),
        other => other.to_string(),
    }
}

async fn serve(settings: Settings, store: db::PgStore) -> Result<(), String> {
    let vault = settings.vault().map_err(|e| e.to_string())?;
    let mut leptos_options =
        leptos::prelude::get_configuration(None).map_err(|e| format!("cannot read the Leptos configuration: {e}"))?.leptos_options;
    leptos_options.site_addr = settings.site_addr;
    keyhold::pkg::detect_hashed_names(&mut leptos_options);
    let any_operator = app::store::OperatorStore::any_operator(&store).await.unwrap_or(true);
    let (site_addr, display_url, limits) = (settings.site_addr, settings.display_url(), keyhold::serve::Limits::of(&settings));
    let state = AppState::new(leptos_options, store, vault, settings);
    // Runs as long as the server: the verification cache's listener and the last-use writer.
    let background = state.start_background_tasks();
    // Sends the webhook outbox, sharing the work with any other server.
    let webhook_worker = state.start_webhook_worker();
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(site_addr)
        .await
        .map_err(|e| format!("cannot listen on {site_addr} ({e}); set LEPTOS_SITE_ADDR to a free address"))?;
    println!("Keyhold is running at {display_url}/keys");
    if any_operator {
        println!("Sign in with an operator's email and password (`keyhold operator list` shows them).");
    } else {
        println!("No operator exists yet. Create the first one, then sign in with it:");
        println!("    keyhold operator create --email you@example.com    (asks for a password of 12+ characters)");
    }
    // Signals are caught from here on: a SIGTERM during start-up would
    // otherwise kill the process without any of the steps below.
    let stopping = shutdown::Stopping::on_signals().map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
    // Slow clients are cut off (KEYHOLD_HEADER_TIMEOUT) and connections
    // capped (KEYHOLD_MAX_CONNECTIONS).
    let server = keyhold::serve::serve(listener, app, limits, stopping.clone().wait());
    // New connections are refused at once; the webhook worker stops beside
    // the requests that finish.
    let http = async {
        tokio::select! {
            () = server => Ok(()),
            () = stopping.clone().wait_then(shutdown::HTTP_GRACE) => {
                tracing::warn!("requests still in flight {} s after the signal were cut off", shutdown::HTTP_GRACE.as_secs());
                Ok(())
            }
        }
    };
    let webhooks = async {
        stopping.clone().wait().await;
        webhook_worker.shutdown(shutdown::WEBHOOK_GRACE).await;
    };
    let (served, ()) = tokio::join!(http, webhooks);
    // After the last request: the uses it recorded are written too.
    background.shutdown().await;
    served
}
