//! A form posted without the WASM (on a slow link before it arrives, or where it is blocked)
//! behaves as the hydrated one: a refusal comes back to the page with the message beside the
//! form and the typed values in it (never a password), and a success shows what the hydrated
//! form shows (the token issued, the user created).
//!
//! Leptos answers a plain form post with a redirect back to the page, the error in the URL; the
//! values and the answer travel beside it in a one-minute cookie set by `server::kept_form` and
//! read here while the server renders the page, then cleared. In the browser the values come
//! with the page's HTML (`SharedValue`), so hydration renders the same form.

use leptos::{prelude::*, server_fn::ServerFn};
use serde::{Serialize, de::DeserializeOwned};

/// The cookie carrying a plain form post's values or answer to the page it returns to.
pub const COOKIE: &str = "contactdesk_kept_form";
/// The field naming the server function whose form the cookie is for.
pub const PATH_FIELD: &str = "__path";
/// The field holding a successful post's answer (the server function's JSON).
pub const OUTPUT_FIELD: &str = "__ok";

/// Whether a form field's value may be kept: never a password, never leptos' own fields.
pub fn keeps(name: &str) -> bool {
    !name.contains("password") && !name.starts_with("__")
}

/// The values typed into the form of the server function `F`, when this page is where its
/// refused plain post came back to.
#[derive(Clone, Debug, Default)]
pub struct KeptForm(Vec<(String, String)>);

impl KeptForm {
    pub fn of<F: ServerFn>() -> Self {
        Self(
            SharedValue::new(|| {
                fields(F::PATH).into_iter().filter(|(name, _)| keeps(name)).collect::<Vec<_>>()
            })
            .into_inner(),
        )
    }

    /// The value typed into `name`, for the field's `value` attribute.
    pub fn value(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(field, _)| field == name).map(|(_, value)| value.clone())
    }

    /// Whether `value` was the option chosen in the select `name`, for the option's `selected`.
    pub fn chose(&self, name: &str, value: &str) -> Option<bool> {
        self.value(name).map(|chosen| chosen == value)
    }
}

/// The answer of the form of `F` posted without the WASM and taken by the server, when this page
/// is where it came back to: what the hydrated form shows from its action's value.
pub fn kept_output<F: ServerFn, T>() -> Option<T>
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            let json = fields(F::PATH).into_iter().find(|(name, _)| name == OUTPUT_FIELD)?.1;
            serde_json::from_str(&json).ok()
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
    .into_inner()
}

/// The kept fields for the server function at `path`; empty in the browser.
fn fields(path: &str) -> Vec<(String, String)> {
    #[cfg(feature = "ssr")]
    {
        crate::server::kept_form::take(path)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = path;
        Vec::new()
    }
}
