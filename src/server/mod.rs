//! Everything that runs only on the server: configuration, database, sessions, HTTP, CLI.

pub mod accounts;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod time;

pub use state::AppState;
