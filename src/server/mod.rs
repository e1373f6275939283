//! Everything that runs only on the server: configuration, database, sessions, HTTP, CLI.

pub mod accounts;
pub mod activity;
pub mod audio;
pub mod auth;
pub mod calls;
pub mod cli;
pub mod config;
pub mod contact_updates;
pub mod contacts;
pub mod customers;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod export;
pub mod fsck;
pub mod http;
pub mod import;
pub mod mail;
pub mod pages;
pub mod qr;
pub mod report;
pub mod rest;
pub mod seed;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod time;
pub mod tokens;
pub mod upload_client;

pub use state::AppState;
