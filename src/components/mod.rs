//! Reusable pieces of the screens.

pub mod admin_only;
pub mod call_table;
pub mod confirm_dialog;
pub mod contact_messages;
pub mod contact_status;
pub mod customer_search;
pub mod dialog;
pub mod edit_contact_dialog;
pub mod field_error;
pub mod icon;
pub mod kept_form;
pub mod layout;
pub mod new_contact_dialog;
pub mod page_data;
pub mod pager;
pub mod payment_qr_modal;
pub mod report_exports;
pub mod report_filter;
pub mod report_table;
pub mod shortcuts;
pub mod update_contact_modal;
pub mod update_history;
pub mod updates_chart;
pub mod wasm_ready;
