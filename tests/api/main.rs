//! HTTP-level tests: the real app on a random port with its own SQLite file each.

mod access;
mod auth;
mod call_logs;
mod calls;
mod contacts;
mod customers;
mod dashboard;
mod exports;
mod helpers;
mod import;
mod openapi;
mod outbox;
mod pages;
mod payment_qr;
mod report;
mod rest;
mod users;
