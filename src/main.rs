//! The `contactdesk` binary: `serve` (default) and the admin subcommands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    contactdesk::server::cli::run().await
}
