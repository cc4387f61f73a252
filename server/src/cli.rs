//! The shell commands besides `serve`: `keyhold account ...`,
//! `keyhold operator ...` and `keyhold key ...`. `main.rs` parses and dispatches; the work is here so
//! tests can run it against a database.

use app::{
    domain::{
        actor::Actor,
        address::WebhookPolicy,
        draft::{field, KeyDraft, KeyInput},
        key::{Account, ApiKey},
        key_change::NewKey as NewKeyRecord,
        management_token::{Access, ManagementToken, ManagementTokenListing, NewManagementToken, TokenInput},
        names::AccountName,
        operator::{Email, NewPassword, Operator},
        password,
        token::Token,
        vault::TokenVault,
    },
    error::AppError,
    store::Store,
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

/// `keyhold operator ...`
#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Create an operator; the password is read from standard input (at
    /// least 12 characters).
    Create {
        #[arg(long)]
        email: String,
    },
    /// List operators.
    List,
    /// Disable an operator: they cannot sign in, and their sessions end.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Let a disabled operator sign in again.
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Give an operator a new password, read as for `create`; all their
    /// sessions end.
    SetPassword {
        #[arg(long)]
        email: String,
    },
}

/// `keyhold token ...`: management tokens for the management API.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a management token and print it (only the token) to stdout.
    /// It is shown this once: only its hash is stored.
    Create {
        /// Unique name of the token, 1–100 characters.
        #[arg(long)]
        name: String,
        /// The token may only read (default: read and write).
        #[arg(long)]
        read_only: bool,
        /// The day the token stops working, YYYY-MM-DD (default: never).
        #[arg(long, value_name = "YYYY-MM-DD", default_value = "")]
        expires: String,
    },
    /// List the management tokens that are not revoked.
    List,
    /// Revoke a management token: it stops working at once on every server.
    Revoke {
        #[arg(long)]
        name: String,
    },
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

pub async fn account(store: &dyn Store, command: AccountCommand) -> Result<(), String> {
    match command {
        AccountCommand::Create { name } => {
            let account = create_account(store, &name).await.map_err(|e| describe(&e))?;
            println!("Created account “{}” ({})", account.name, account.id);
        }
        AccountCommand::List => {
            for account in store.list_accounts().await.map_err(|e| describe(&e))? {
                println!("{}\t{}", account.id, account.name);
            }
        }
    }
    Ok(())
}

/// Creates an account from the shell, as the Accounts page does.
pub async fn create_account(store: &dyn Store, name: &str) -> Result<Account, AppError> {
    let name = AccountName::parse(name).map_err(|m| AppError::invalid("name", m))?;
    let created = store.create_account(&Actor::CommandLine, &name).await?;
    Ok(Account { id: created.id, name: created.name })
}

pub async fn key(store: &dyn Store, vault: &TokenVault, policy: &WebhookPolicy, command: KeyCommand) -> Result<(), String> {
    match command {
        KeyCommand::Create(new) => {
            let (key, token) = create_key(store, vault, policy, &new).await.map_err(|e| describe(&e))?;
            let accounts: Vec<&str> = key.accounts.iter().map(|a| a.name.as_str()).collect();
            // Only the token on stdout, so `token=$(keyhold key create ...)` works.
            eprintln!("Created API key “{}” ({}) for {}.", key.name, key.id, accounts.join(", "));
            println!("{}", token.expose());
        }
    }
    Ok(())
}

/// Creates a key exactly as the Keys page's create does (the same
/// validation, `policy` on the webhook URL included; a fresh token sealed
/// with `vault`; one store call), with accounts named rather than given by
/// id. Returns the key and its token.
pub async fn create_key(store: &dyn Store, vault: &TokenVault, policy: &WebhookPolicy, new: &NewKey) -> Result<(ApiKey, Token), AppError> {
    let accounts = account_ids(&store.list_accounts().await?, &new.accounts)?;
    let input = KeyInput { name: new.name.clone(), webhook_url: new.webhook_url.clone(), accounts, ..KeyInput::default() };
    let draft = KeyDraft::parse(&input, policy).await.map_err(AppError::Invalid)?;
    let token = Token::generate();
    let key = store.create_key(&Actor::CommandLine, &NewKeyRecord { draft, avatar: None, token: vault.seal(&token) }).await?;
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
        AppError::Invalid(errors) => {
            errors.iter().map(|e| format!("{}: {}", option_of(&e.field), e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

fn option_of(field: &str) -> String {
    match field {
        field::ACCOUNTS => "--account".into(),
        "password" => "password".into(),
        "access" => "--read-only".into(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

pub async fn token(store: &dyn Store, command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Create { name, read_only, expires } => {
            let access = if read_only { Access::ReadOnly } else { Access::ReadWrite };
            let input = TokenInput { name, access: access.as_str().into(), expires };
            let (created, token) = create_token(store, &input).await.map_err(|e| describe(&e))?;
            // Only the token on stdout, so `token=$(keyhold token create ...)` works.
            eprintln!("Created management token “{}” ({}). It is not shown again.", created.name, created.access.label());
            println!("{}", token.expose());
        }
        TokenCommand::List => {
            let date = |at: Option<chrono::DateTime<chrono::Utc>>, none: &str| {
                at.map_or_else(|| none.to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string())
            };
            for t in store.list_management_tokens().await.map_err(|e| describe(&e))? {
                println!(
                    "{}\t{}\tcreated {} by {}\tlast used {}\texpires {}",
                    t.name,
                    t.access.label(),
                    t.created_at.format("%Y-%m-%d %H:%M UTC"),
                    t.created_by,
                    date(t.last_used_at, "never"),
                    date(t.expires_at, "never"),
                );
            }
        }
        TokenCommand::Revoke { name } => {
            let revoked = revoke_token(store, &name).await.map_err(|e| describe(&e))?;
            println!("Revoked management token “{}”.", revoked.name);
        }
    }
    Ok(())
}

/// Creates a management token from the shell, validated as on the Tokens
/// page; answers with the token, to be shown once.
pub async fn create_token(store: &dyn Store, input: &TokenInput) -> Result<(ManagementTokenListing, ManagementToken), AppError> {
    let (new, token) = NewManagementToken::parse(input, chrono::Utc::now().date_naive()).map_err(AppError::Invalid)?;
    let created = store.create_management_token(&Actor::CommandLine, &new).await?;
    Ok((created, token))
}

/// Revokes the unrevoked token called `name` (ignoring case, as names are
/// unique ignoring case).
pub async fn revoke_token(store: &dyn Store, name: &str) -> Result<ManagementTokenListing, AppError> {
    let wanted = name.trim().to_lowercase();
    let tokens = store.list_management_tokens().await?;
    let token = tokens.iter().find(|t| t.name.to_lowercase() == wanted).ok_or_else(|| {
        AppError::invalid("name", format!("No management token is named “{}”; `keyhold token list` shows them.", name.trim()))
    })?;
    store.revoke_management_token(&Actor::CommandLine, token.id).await
}

pub async fn operator(store: &dyn Store, command: OperatorCommand) -> Result<(), String> {
    match command {
        OperatorCommand::Create { email } => {
            let email = Email::parse(&email)?;
            let password = read_password()?;
            let operator = create_operator(store, &email, &password).await.map_err(|e| describe(&e))?;
            println!("Created operator {} ({}). They can sign in now.", operator.email, operator.id);
        }
        OperatorCommand::List => {
            for op in store.list_operators().await.map_err(|e| describe(&e))? {
                let state = match op.disabled_at {
                    Some(at) => format!("disabled {}", at.format("%Y-%m-%d %H:%M UTC")),
                    None => "active".into(),
                };
                println!("{}\t{}\tcreated {}", op.email, state, op.created_at.format("%Y-%m-%d %H:%M UTC"));
            }
        }
        OperatorCommand::Disable { email } => {
            let email = Email::parse(&email)?;
            let ended = store.disable_operator(&Actor::CommandLine, &email).await.map_err(|e| describe(&e))?;
            println!("Disabled operator {email}; ended {ended} session(s).");
        }
        OperatorCommand::Enable { email } => {
            let email = Email::parse(&email)?;
            match store.enable_operator(&Actor::CommandLine, &email).await.map_err(|e| describe(&e))? {
                true => println!("Enabled operator {email}. They can sign in again."),
                false => println!("Operator {email} was not disabled; nothing changed."),
            }
        }
        OperatorCommand::SetPassword { email } => {
            let email = Email::parse(&email)?;
            let password = read_password()?;
            let ended = set_password(store, &email, &password).await.map_err(|e| describe(&e))?;
            println!("Set a new password for {email}; ended {ended} session(s).");
        }
    }
    Ok(())
}

/// Hashes the password (off the async workers) and stores the operator.
pub async fn create_operator(store: &dyn Store, email: &Email, password: &str) -> Result<Operator, AppError> {
    let password = NewPassword::parse(password).map_err(|m| AppError::invalid("password", m))?;
    let phc = tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(|_| AppError::Internal)?;
    store.create_operator(&Actor::CommandLine, email, &phc).await
}

/// Checks the new password with the rules of `create`, hashes it (off the
/// async workers) and stores it, ending the operator's sessions; answers
/// how many ended.
pub async fn set_password(store: &dyn Store, email: &Email, password: &str) -> Result<u64, AppError> {
    let password = NewPassword::parse(password).map_err(|m| AppError::invalid("password", m))?;
    let phc = tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(|_| AppError::Internal)?;
    store.set_operator_password(&Actor::CommandLine, email, &phc).await
}

/// The password from standard input: asked twice without echo on a
/// terminal, otherwise the first line (for scripts: `echo ... | keyhold
/// operator create ...`).
fn read_password() -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Repeat the password: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ; nothing was changed".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    Ok(password.strip_suffix('\r').unwrap_or(password).to_owned())
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
        let err =
            AppError::Invalid(vec![FieldError::new(field::NAME, "Enter a name."), FieldError::new(field::WEBHOOK_URL, "Enter a URL.")]);
        assert_eq!(describe(&err), "--name: Enter a name.; --webhook-url: Enter a URL.");
    }
}
