//! Types shared by the server and the browser. Each parses on construction, so a value that
//! exists has passed the rules; the browser runs the same parse for instant feedback and the
//! server runs it again as the authority.

pub mod activity;
pub mod call;
pub mod contact;
pub mod contact_update;
pub mod customer;
pub mod dashboard;
pub mod email;
pub mod emv;
pub mod import;
pub mod money;
pub mod overview;
pub mod payment_qr;
pub mod phone;
pub mod report;
pub mod token;
pub mod url;
pub mod user;

/// How many pages `total` items fill, `per_page` a page; an empty list is one (empty) page.
pub fn page_count(total: i64, per_page: i64) -> i64 {
    if per_page <= 0 { 1 } else { ((total + per_page - 1) / per_page).max(1) }
}
