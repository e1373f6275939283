//! Reusable pieces of the screens.

pub mod error_view;
pub mod layout;
