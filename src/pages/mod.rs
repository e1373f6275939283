//! One file per route.

pub mod admin;
pub mod admin_activity;
pub mod admin_contact_updates;
pub mod admin_import;
pub mod admin_outbox;
pub mod admin_tokens;
pub mod admin_users;
pub mod call_logs;
pub mod customer_detail;
pub mod customers;
pub mod home;
pub mod login;
pub mod not_found;
