//! The command line: `serve` (default) and the admin subcommands.

use std::{
    io::{BufRead, IsTerminal},
    path::PathBuf,
    process::ExitCode,
};

use clap::{Parser, Subcommand};

use super::{
    config::Config,
    http, seed,
    startup::{self, StartError},
    telemetry,
    time::now_ms,
};
use crate::domain::{token::NewToken, user::NewUser};

#[derive(Parser, Debug)]
#[command(name = "contactdesk", version, about = "ContactDesk call-center server")]
struct Cli {
    /// The settings file; environment variables override it.
    #[arg(long, global = true, default_value = "Leptos.toml", env = "CONTACTDESK_CONFIG")]
    config: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web application and API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a user; the password is read from standard input.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// agent or admin
        #[arg(long, default_value = "agent")]
        role: String,
    },
    /// Seed demo users and ~200 demo customers into an empty database.
    SeedDemo,
    /// Import customers and policies from the master system's CSV export.
    ImportCustomers {
        /// The CSV file (columns customer_id,name,policy_number,mobile,email,amount_due,payment_status).
        file: PathBuf,
    },
    /// Issue an API token for a user; the token alone is printed on the last line.
    CreateToken {
        #[arg(long)]
        user: String,
        /// upload (a phone: uploads recordings, nothing else) or api (an integration: acts with the user's role)
        #[arg(long)]
        scope: String,
        /// What the token is for, e.g. "Priya's Galaxy A54".
        #[arg(long)]
        name: String,
    },
    /// Check every call recording against its call log (exists, size, SHA-256) and report
    /// stored files no call log refers to; exits non-zero on any problem.
    Fsck,
    /// Upload a call recording to a ContactDesk server, as the phones do (the reference client).
    UploadCall(super::upload_client::UploadArgs),
    /// Write a consistent copy of the database, the recordings and the export files into the
    /// new folder DIR, with a manifest of checksums, while the server keeps running.
    Backup {
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
    },
    /// Put a backup back into an empty data folder and a new database, checked before and after.
    Restore {
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("contactdesk: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(&config).await,
        Command::CreateUser { username, name, role } => create_user(&config, &username, &name, &role).await,
        Command::SeedDemo => seed_demo(&config).await,
        Command::ImportCustomers { file } => import_customers(&config, file).await,
        Command::CreateToken { user, scope, name } => create_token(&config, &user, &scope, &name).await,
        Command::Backup { output } => backup(&config, output).await,
        Command::Restore { from } => restore(&config, from).await,
        Command::Fsck => fsck(&config).await,
        Command::UploadCall(args) => super::upload_client::run(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("contactdesk: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    if !startup::site_is_built(&config) {
        tracing::warn!(
            site_root = %config.server.site_root.display(),
            "no built site found: run `make build` so pages hydrate"
        );
    }
    let addr = config.server.site_addr;
    let grace = config.server.shutdown_grace_seconds;
    let header_timeout = config.server.header_read_timeout();
    let state = startup::build_state(config).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen { addr, source }.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("ContactDesk is running at http://{local}");
    if state.demo_data() {
        println!("Demo data is loaded. Sign in with:");
        for login in seed::DEMO_LOGINS {
            println!("  {:<6} {:<8} password: {}", login.role, login.username, login.password);
        }
    }
    let db = state.db.clone();
    let mailer = state.mailer.clone();
    let app = http::router(state);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(http::serve(listener, app, header_timeout, async move {
        let _ = stop_rx.await;
    }));
    http::shutdown_signal().await;
    let _ = stop_tx.send(());
    match tokio::time::timeout(std::time::Duration::from_secs(grace), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => return Err(format!("server error: {e}")),
        Ok(Err(e)) => return Err(format!("server task failed: {e}")),
        Err(_) => tracing::warn!(grace_seconds = grace, "in-flight requests did not finish in time"),
    }
    // The message being sent finishes; the others the sender claimed are given back.
    if tokio::time::timeout(std::time::Duration::from_secs(grace), mailer.stop()).await.is_err() {
        tracing::warn!(
            grace_seconds = grace,
            "the email sender did not stop in time; its claims end with their lease"
        );
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(config: &Config) -> Result<(), String> {
    let db = startup::open_db(config).await.map_err(|e| e.to_string())?;
    db.close().await;
    println!("Database {} is up to date.", config.database.url);
    Ok(())
}

async fn create_user(config: &Config, username: &str, name: &str, role: &str) -> Result<(), String> {
    if std::io::stdin().is_terminal() {
        eprintln!("Password for {username} (then Enter):");
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let new_user = NewUser::parse(username, name, role, password).map_err(|e| e.to_string())?;
    let db = startup::open_db(config).await.map_err(|e| e.to_string())?;
    let hash = super::auth::hash_password_async(new_user.password.expose().to_owned())
        .await
        .map_err(|e| e.to_string())?;
    let id = db
        .insert_user(new_user.username.as_str(), new_user.name.as_str(), new_user.role, &hash, now_ms())
        .await
        .map_err(|e| match e {
            super::db::users::InsertUserError::UsernameTaken => {
                format!("the username {} is already taken", new_user.username.as_str())
            }
            other => format!("cannot create the user: {other}"),
        })?;
    let _ = db
        .audit(
            None,
            "user.create",
            &format!("cli created {} ({})", new_user.username.as_str(), new_user.role),
            now_ms(),
        )
        .await;
    db.close().await;
    println!("Created {} {} (id {id}).", new_user.role, new_user.username.as_str());
    Ok(())
}

async fn seed_demo(config: &Config) -> Result<(), String> {
    let db = startup::open_db(config).await.map_err(|e| e.to_string())?;
    let recordings = startup::open_recordings(config).await.map_err(|e| e.to_string())?;
    let outcome = match seed::seed_if_empty(&db).await {
        Ok(outcome @ seed::Seeded::Yes { .. }) => {
            seed::seed_calls(&db, &recordings).await.map(|_| outcome).map_err(|e| e.to_string())
        }
        other => other.map_err(|e| e.to_string()),
    };
    db.close().await;
    let outcome = outcome?;
    match outcome {
        seed::Seeded::Yes { customers } => {
            println!("Seeded {customers} demo customers. Sign in with:");
            for login in seed::DEMO_LOGINS {
                println!("  {:<6} {:<8} password: {}", login.role, login.username, login.password);
            }
            Ok(())
        }
        seed::Seeded::AlreadyHasUsers => {
            Err("the database already has users; demo data is only seeded into an empty database".into())
        }
    }
}

async fn import_customers(config: &Config, file: PathBuf) -> Result<(), String> {
    let reader = std::fs::File::open(&file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let db = startup::open_db(config).await.map_err(|e| e.to_string())?;
    let report = super::import::import_csv(&db, std::io::BufReader::with_capacity(1 << 16, reader))
        .await
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let _ = db
        .audit(None, "customers.import", &format!("cli {}: {}", file.display(), report.summary()), now_ms())
        .await;
    db.close().await;
    println!("Imported {}: {}", file.display(), report.summary());
    if !report.rejected_lines.is_empty() {
        println!("Rejected lines:");
        for r in &report.rejected_lines {
            let column = if r.column.is_empty() { String::new() } else { format!(", column {}", r.column) };
            println!("  line {}{column}: {}", r.line, r.reason);
        }
        if report.rejected > report.rejected_lines.len() as u64 {
            println!("  … and {} more", report.rejected - report.rejected_lines.len() as u64);
        }
    }
    Ok(())
}

async fn create_token(config: &Config, user: &str, scope: &str, name: &str) -> Result<(), String> {
    let new = NewToken::parse(user, scope, name).map_err(|e| e.to_string())?;
    let db = startup::open_db(config).await.map_err(|e| e.to_string())?;
    let issued = super::tokens::issue(&db, None, new).await.map_err(|e| e.to_string());
    db.close().await;
    let issued = issued?;
    let s = &issued.summary;
    println!(
        "Issued {} token “{}” for {} (id {}). It is shown only now:",
        s.scope.as_str(),
        s.name,
        s.username,
        s.id
    );
    println!("{}", issued.token);
    Ok(())
}

async fn fsck(config: &Config) -> Result<(), String> {
    let db = startup::open_existing_db(config).await?;
    let storage = startup::open_recordings(config).await.map_err(|e| e.to_string())?;
    let report = super::fsck::check(&db, &storage).await;
    db.close().await;
    let report = report?;
    for (id, key) in &report.missing {
        println!("MISSING  call {id}: {key}");
    }
    for (id, key, why) in &report.changed {
        println!("CHANGED  call {id}: {key}: {why}");
    }
    for key in &report.orphans {
        println!("ORPHAN   {key} (no call log refers to it)");
    }
    let damaged = report.integrity != "ok";
    if damaged {
        println!("DATABASE integrity check: {}", report.integrity);
    }
    let problems = usize::from(damaged) + report.missing.len() + report.changed.len() + report.orphans.len();
    println!("Checked the database and {} recordings: {problems} problem(s).", report.checked);
    if report.is_clean() { Ok(()) } else { Err(format!("fsck found {problems} problem(s)")) }
}

async fn backup(config: &Config, output: PathBuf) -> Result<(), String> {
    let db = startup::open_existing_db(config).await?;
    let storage = startup::open_recordings(config).await.map_err(|e| e.to_string())?;
    let carried = super::backup::backup(&db, &storage, &config.storage.data_dir, &output).await;
    db.close().await;
    let carried = carried.map_err(|e| format!("backup failed: {e}"))?;
    println!(
        "Backed up {} with {} recording(s) and {} export file(s), {} bytes, to {} (checksums in {}).",
        config.database.url,
        carried.recordings,
        carried.exports,
        carried.bytes,
        output.display(),
        super::backup::MANIFEST
    );
    Ok(())
}

async fn restore(config: &Config, from: PathBuf) -> Result<(), String> {
    let carried = super::backup::restore(config, &from).await.map_err(|e| format!("restore failed: {e}"))?;
    println!(
        "Restored {} recording(s) and {} export file(s) into {} and the database {}; integrity and \
         recordings checked. Start the server (it migrates an older backup's schema).",
        carried.recordings,
        carried.exports,
        config.storage.data_dir.display(),
        config.database.url
    );
    Ok(())
}
