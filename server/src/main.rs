//! `ccjobs`: the server and its administration commands.

use anyhow::Context;
use ccjobs::cli::{self, CliError, Connection, JobsCommand, SubmitArgs};
use ccjobs::config::Config;
use ccjobs::store::Store;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ccjobs",
    version,
    about = "Self-hosted caption conversion jobs with a live dashboard"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: REST API, dashboard and job workers.
    Serve(Config),
    /// Create and migrate the database, then exit.
    Migrate(Config),
    /// Submit a caption file (or a URL to one) as a job; --wait follows it to the end.
    Submit {
        #[command(flatten)]
        connection: Connection,
        #[command(flatten)]
        args: SubmitArgs,
    },
    /// List, show, retry, delete and export the account's jobs.
    Jobs {
        #[command(flatten)]
        connection: Connection,
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// List the caption profiles the server reads and writes, with their options.
    Profiles {
        #[command(flatten)]
        connection: Connection,
        /// Prints the server's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the account's webhook signing secret (whsec_…); --rotate makes a new one
    /// (the previous one keeps signing for 24 hours).
    WebhookSecret {
        #[command(flatten)]
        connection: Connection,
        #[arg(long)]
        rotate: bool,
    },
    /// Manage accounts and their API keys (against the database directly).
    #[command(subcommand)]
    Account(AccountCommand),
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Create an account; prints its API key (once) and a sign-in link.
    Create {
        name: String,
        #[command(flatten)]
        config: Config,
    },
    /// Print a new one-time sign-in link for an account.
    Link {
        name: String,
        #[command(flatten)]
        config: Config,
    },
    /// Create, list and revoke an account's API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create another API key for the account; prints it once.
    Create {
        name: String,
        #[command(flatten)]
        config: Config,
    },
    /// List the account's keys: ID, prefix, created, revoked.
    List {
        name: String,
        #[command(flatten)]
        config: Config,
    },
    /// Revoke a key, named by its ID or its prefix (as `list` shows them): it stops working at once.
    Revoke {
        name: String,
        key: String,
        #[command(flatten)]
        config: Config,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "ccjobs=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Submit { connection, args } => cli::submit(&connection, args).await,
        Command::Jobs { connection, command } => cli::jobs(&connection, command).await,
        Command::Profiles { connection, json } => cli::profiles(&connection, json).await,
        Command::WebhookSecret { connection, rotate } => cli::webhook_secret(&connection, rotate).await,
        command => {
            if let Err(e) = admin(command).await {
                // The message and its causes on one line, not a debug dump.
                eprintln!("ccjobs: {e:#}");
                std::process::exit(2);
            }
            return Ok(());
        }
    };
    if let Err(e) = result {
        eprintln!("ccjobs: {e}");
        std::process::exit(e.exit_code());
    }
    Ok(())
}

/// The commands that run the server or work on its database directly.
async fn admin(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Submit { .. }
        | Command::Jobs { .. }
        | Command::Profiles { .. }
        | Command::WebhookSecret { .. } => {
            Err(CliError::Usage("not an administration command".into()).into())
        }
        Command::Serve(config) => serve(config).await,
        Command::Migrate(config) => {
            Store::open(&config.database_url)
                .await
                .context("opening the database")?;
            println!("ccjobs: database {} is migrated", config.database_url);
            Ok(())
        }
        Command::Account(AccountCommand::Create { name, config }) => {
            let instance = ccjobs::build(config).await?;
            let credentials = instance.state.service.create_account(&name).await?;
            print!(
                "{}",
                ccjobs::http::auth::credentials_banner(&credentials, &instance.state.config.public_url())
            );
            Ok(())
        }
        Command::Account(AccountCommand::Link { name, config }) => {
            let instance = ccjobs::build(config).await?;
            let service = &instance.state.service;
            let account = service
                .store()
                .account_by_name(&name)
                .await?
                .with_context(|| format!("no account named {name:?}"))?;
            let token = service.create_sign_in_link(account.id).await?;
            println!("{}/sign-in?token={token}", instance.state.config.public_url());
            Ok(())
        }
        Command::Account(AccountCommand::Keys(command)) => keys(command).await,
    }
}

async fn keys(command: KeysCommand) -> anyhow::Result<()> {
    let (name, config) = match &command {
        KeysCommand::Create { name, config }
        | KeysCommand::List { name, config }
        | KeysCommand::Revoke { name, config, .. } => (name.clone(), config.clone()),
    };
    let instance = ccjobs::build(config).await?;
    let service = &instance.state.service;
    let account =
        service.store().account_by_name(&name).await?.with_context(|| {
            format!("no account named {name:?}; `ccjobs account create {name}` makes one")
        })?;
    match command {
        KeysCommand::Create { .. } => {
            let key = service.create_api_key(account.id).await?;
            println!("{key}");
            eprintln!("ccjobs: this is the only time the key is shown; keep it somewhere safe");
        }
        KeysCommand::List { .. } => {
            let mut rows = vec![["ID", "PREFIX", "CREATED (UTC)", "REVOKED (UTC)"].map(String::from)];
            for key in service.store().api_keys(account.id).await? {
                rows.push([
                    key.id,
                    key.prefix,
                    cli::utc(key.created_at),
                    key.revoked_at.map(cli::utc).unwrap_or_else(|| "—".into()),
                ]);
            }
            print!("{}", cli::table(&rows));
        }
        KeysCommand::Revoke { key, .. } => {
            let revoked = service.revoke_api_key(account.id, key.trim()).await?;
            println!(
                "revoked key {} ({}); requests with it are refused from now on",
                revoked.id, revoked.prefix
            );
        }
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let bind = config.bind;
    let instance = ccjobs::build(config).await.context("starting ccjobs")?;
    let public_url = instance.state.config.public_url();
    match ccjobs::bootstrap_account(&instance).await? {
        Some(banner) => print!("{banner}"),
        None => println!(
            "ccjobs: sign in at {public_url}/sign-in with your API key (lost it? `ccjobs account link default` prints a sign-in link)"
        ),
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    println!("ccjobs: listening on {public_url}");
    ccjobs::serve(instance, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down: finishing running jobs");
}
