//! Reusable pieces of the screens.

pub mod error_view;
pub mod layout;
pub mod update_contact_modal;
pub mod update_history;
