//! `ccjobs`: the server and its administration commands.

use anyhow::Context;
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
    /// Manage accounts (against the database directly).
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
    match Cli::parse().command {
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
    }
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
