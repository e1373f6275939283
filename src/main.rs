//! The `contactdesk` binary: `serve` (default) and the admin subcommands.

/// Rendering pages allocates many small strings on every worker thread; glibc's allocator
/// spent a third of the CPU of a signed-in page view contending on its arenas (perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    contactdesk::server::cli::run().await
}
