//! HTTP-level tests: the real app on a random port with its own SQLite file each.

mod access;
mod access_matrix;
mod auth;
mod call_logs;
mod calls;
mod contacts;
mod contract;
mod customers;
mod dashboard;
mod exports;
mod faults;
mod helpers;
mod import;
mod logging;
mod logs;
mod metrics;
mod openapi;
mod outbox;
mod pages;
mod payment_qr;
mod report;
mod request_forgery;
mod rest;
mod throttle;
mod users;
