//! The shell commands besides `serve`: `keyhold account ...` and
//! `keyhold key ...`. `main.rs` parses and dispatches; the work is here so
//! tests can run it against a database.

use crate::db::PgStore;
use app::{
    domain::{
        draft::{field, KeyDraft, KeyInput},
        token::Token,
        vault::TokenVault,
    },
    error::AppError,
    model::{Account, ApiKey},
    store::KeyStore,
};
use clap::{Args, Subcommand};

/// `keyhold account ...`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account.
    Create { name: String },
    /// List accounts.
    List,
}

/// `keyhold key ...`
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create an API key and print its token (only the token) to stdout.
    Create(NewKey),
}

/// The fields of a new key, as on the Keys page.
#[derive(Debug, Clone, Args)]
pub struct NewKey {
    /// Unique name of the key, 1–100 characters.
    #[arg(long)]
    pub name: String,
    /// Where Keyhold sends the key's events: an http(s) URL.
    #[arg(long)]
    pub webhook_url: String,
    /// An account the key grants, by name (ignoring case); repeat for several.
    #[arg(long = "account", value_name = "NAME", default_value = "Default")]
    pub accounts: Vec<String>,
}

pub async fn account(store: &PgStore, command: AccountCommand) -> Result<(), String> {
    match command {
        AccountCommand::Create { name } => {
            let account = store.create_account(&name).await.map_err(|e| describe(&e))?;
            println!("Created account “{}” ({})", account.name, account.id);
        }
        AccountCommand::List => {
            for account in store.accounts().await.map_err(|e| describe(&e))? {
                println!("{}\t{}", account.id, account.name);
            }
        }
    }
    Ok(())
}

pub async fn key(store: &PgStore, vault: &TokenVault, command: KeyCommand) -> Result<(), String> {
    match command {
        KeyCommand::Create(new) => {
            let (key, token) = create_key(store, vault, &new).await.map_err(|e| describe(&e))?;
            let accounts: Vec<&str> = key.accounts.iter().map(|a| a.name.as_str()).collect();
            // Only the token on stdout, so `token=$(keyhold key create ...)` works.
            eprintln!("Created API key “{}” ({}) for {}.", key.name, key.id, accounts.join(", "));
            println!("{}", token.expose());
        }
    }
    Ok(())
}

/// Creates a key exactly as the Keys page's create does (same validation,
/// a fresh token sealed with `vault`, one store call), with accounts named
/// rather than given by id. Returns the key and its token.
pub async fn create_key(store: &PgStore, vault: &TokenVault, new: &NewKey) -> Result<(ApiKey, Token), AppError> {
    let accounts = account_ids(&store.accounts().await?, &new.accounts)?;
    let input = KeyInput { name: new.name.clone(), webhook_url: new.webhook_url.clone(), accounts, ..KeyInput::default() };
    let draft = KeyDraft::parse(&input).map_err(AppError::Invalid)?;
    let token = Token::generate();
    let key = store.create_key(&draft, None, &vault.seal(&token)).await?;
    Ok((key, token))
}

/// The ids of the accounts called `names` (ignoring case, as account names
/// are unique ignoring case).
fn account_ids(accounts: &[Account], names: &[String]) -> Result<Vec<String>, AppError> {
    names
        .iter()
        .map(|name| {
            let wanted = name.trim().to_lowercase();
            accounts.iter().find(|a| a.name.to_lowercase() == wanted).map(|a| a.id.to_string()).ok_or_else(|| {
                AppError::invalid(field::ACCOUNTS, format!("No account is named “{}”; `keyhold account list` shows them.", name.trim()))
            })
        })
        .collect()
}

/// An error as one line for the shell: each field message after the option
/// it belongs to.
pub fn describe(err: &AppError) -> String {
    match err {
        AppError::Invalid(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", option_of(&e.field), e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn option_of(field: &str) -> String {
    match field {
        field::ACCOUNTS => "--account".into(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::error::FieldError;
    use uuid::Uuid;

    #[test]
    fn accounts_are_found_by_name_ignoring_case() {
        let default = Account { id: Uuid::new_v4(), name: "Default".into() };
        let acme = Account { id: Uuid::new_v4(), name: "Acme Corp".into() };
        let ids = account_ids(&[default.clone(), acme.clone()], &["acme corp".into(), " Default ".into()]).unwrap();
        assert_eq!(ids, vec![acme.id.to_string(), default.id.to_string()]);
    }

    #[test]
    fn an_unknown_account_name_is_a_field_error() {
        let err = account_ids(&[], &["Nobody".into()]).unwrap_err();
        assert!(err.field_message(field::ACCOUNTS).unwrap().contains("“Nobody”"));
    }

    #[test]
    fn field_errors_are_described_by_their_options() {
        let err = AppError::Invalid(vec![
            FieldError::new(field::NAME, "Enter a name."),
            FieldError::new(field::WEBHOOK_URL, "Enter a URL."),
        ]);
        assert_eq!(describe(&err), "--name: Enter a name.; --webhook-url: Enter a URL.");
    }
}
