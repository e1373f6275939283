//! The OpenAPI 3 document of `/v1`, generated from the handlers' `#[utoipa::path]` annotations,
//! and served as JSON at `GET /v1/openapi.json`.
//!
//! Public, like the page rendered from it (`GET /v1/docs`): it is the contract the mobile team
//! and the master-system sync build against, and it holds no data. The API test compares its
//! paths with [`super::route_list`], so an undocumented route fails the build's tests.

use std::sync::LazyLock;

use axum::Json;
use serde_json::{Value, json};
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::{
        Components,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::server::auth::SESSION_COOKIE;

/// Where the document is served, below `/v1`.
pub(super) const JSON_PATH: &str = "/openapi.json";

// Descriptions of the errors several routes share, so each route lists its statuses in one line.
pub(super) const UNAUTHORIZED: &str =
    "No credentials, or a bearer token that is unknown or revoked (`unauthorized`).";
pub(super) const FORBIDDEN_UPLOAD_TOKEN: &str =
    "An `upload` token: it may upload recordings and nothing else (`forbidden`).";
pub(super) const FORBIDDEN_ADMIN: &str =
    "Not an admin (an agent's session or `api` token), or an `upload` token (`forbidden`).";
pub(super) const TIMED_OUT: &str = "The server did not answer within 30 seconds; the body is empty.";
pub(super) const INTERNAL: &str =
    "A failure on the server; it is logged there and the message says nothing more (`internal_error`).";

// Mirrors the JSON that `AppError`'s `IntoResponse` (server/error.rs) writes; the API test
// holds an actual error answer against this schema.
/// The body of every error answer.
#[derive(ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable: `unauthorized`, `forbidden`, `not_found`, `timeout`,
    /// `conflict`, `too_large`, `unsupported_type`, `invalid_input`, `too_many_requests` or
    /// `internal_error`.
    #[schema(example = "invalid_input")]
    pub code: String,
    /// For the person at the screen: what happened and what to do.
    #[schema(example = "customer_id is required.")]
    pub message: String,
    /// Each input that is wrong and why, with `invalid_input`; `null` with any other code.
    #[schema(required = true)]
    pub fields: Option<Vec<FieldProblem>>,
}

/// One input (a body field, a form field or a query parameter) that failed validation.
#[derive(ToSchema)]
#[schema(as = FieldError)]
pub struct FieldProblem {
    /// The input's name as the request spelled it, e.g. `new_mobile` or `from_date`.
    #[schema(example = "customer_id")]
    pub field: String,
    #[schema(example = "customer_id is required.")]
    pub message: String,
}

/// A file's bytes, sent as they are (not JSON).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(pub Vec<u8>);

/// The two ways to authenticate, named as the operations' `security` requirements name them.
struct AuthSchemes;

impl Modify for AuthSchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        // `get_or_insert_with`: a fresh `Components` would drop the schemas collected so far.
        let components = doc.components.get_or_insert_with(Components::new);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("opaque")
                    .description(Some(
                        "`Authorization: Bearer <token>`. Tokens are issued by an admin (Admin → Tokens, or \
                         `contactdesk create-token --user NAME --scope upload|api --name LABEL`) and shown \
                         once. An `upload` token (a phone's) may only upload recordings; an `api` token acts \
                         with its user's role. A token that is sent but wrong is refused (401) even when a \
                         session cookie is sent too.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The browser's session cookie, set by signing in to the app; the call acts as that user.",
            ))),
        );
    }
}

/// utoipa copies the crate's license into `info`; Cargo.toml states none, and a license with
/// an empty name is not a valid License object.
struct NoLicense;

impl Modify for NoLicense {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.info.license = None;
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ContactDesk API",
        version = "1",
        description = "The HTTP API for the mobile apps (call recordings) and the master-system sync \
                       (contact updates and their exports). Requests and answers are JSON unless an \
                       operation says otherwise. Every error answers `{\"error\": {\"code\", \"message\", \
                       \"fields\"}}` (see `ErrorBody`). This document is served at `/v1/openapi.json` \
                       and rendered at `/v1/docs`; both are public."
    ),
    paths(
        super::contact_updates::create,
        super::contact_updates::latest,
        super::report::list,
        super::report::sync_one,
        super::report::bulk_sync,
        super::report::reject,
        super::exports::csv,
        super::exports::xlsx,
        super::exports::download_again,
        super::exports::sync,
        super::calls::upload,
        super::calls::list,
        super::calls::get,
        super::calls::audio_file,
        super::contacts::list,
        super::contacts::create,
        super::contacts::get,
        super::contacts::edit,
        super::contacts::delete,
        super::payment_qr::png,
    ),
    // Types that only query parameters name: `IntoParams` refers to them without collecting
    // them, and the API test fails on a `$ref` that leads nowhere.
    components(schemas(ErrorBody, crate::domain::report::Leads, crate::domain::call::Direction, crate::domain::contact::ContactStatus)),
    modifiers(&AuthSchemes, &NoLicense),
    tags(
        (name = "contact-updates", description = "Contact corrections captured by agents, and the admin's \
                                                  report of them: list, sync to the master system, reject."),
        (name = "exports", description = "The report as a CSV or Excel file for the master-system import, \
                                          and syncing exactly the rows an export contained."),
        (name = "calls", description = "Recorded calls: the phones' upload, a call's log and its audio."),
        (name = "contacts", description = "Contacts (customers from the master system and new leads): list and \
                                           search, create, one contact with its history, edit, delete."),
    ),
)]
struct ApiDoc;

/// The document, built once: the annotations' document with the rules they cannot state.
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document is JSON");
        state_cross_field_rules(&mut doc);
        empty_query_values_are_not_given(&mut doc);
        doc
    });
    &DOCUMENT
}

/// `GET /v1/openapi.json`.
pub(super) async fn json() -> Json<&'static Value> {
    Json(document())
}

/// A present, non-blank string `field`: what "given" means to the handlers, which trim.
fn given(field: &str) -> Value {
    json!({"required": [field], "properties": {field: {"type": "string", "pattern": "\\S"}}})
}

/// Rules between fields, which the derive cannot write (JSON Schema 2020-12, as OpenAPI 3.1 has
/// it): a correction and a new contact need a mobile or an email. (A contact's edit needs a
/// reason only with a mobile or email that is new, which depends on the stored contact: its
/// description says so, no schema can.)
fn state_cross_field_rules(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    schemas["NewContactUpdate"]["anyOf"] = json!([given("new_mobile"), given("new_email")]);
    schemas["NewContact"]["anyOf"] = json!([given("mobile"), given("email")]);
    // An empty email is no email, as an unfilled form field sends it.
    for (schema, field) in
        [("NewContactUpdate", "new_email"), ("NewContact", "email"), ("ContactEdit", "email")]
    {
        let property = &mut schemas[schema]["properties"][field];
        let email = property.take();
        *property = json!({"anyOf": [email, {"type": "string", "maxLength": 0}]});
    }
}

/// The handlers read a query parameter given empty (`?to_date=`, as an HTML form sends an
/// unfilled field) as not given: every optional one says so.
fn empty_query_values_are_not_given(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    let operations = paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut());
    // `get_mut`: indexing would add `"parameters": null` to an operation without any.
    for parameter in operations.filter_map(|op| op.get_mut("parameters")?.as_array_mut()).flatten() {
        if parameter["in"] != "query" || parameter["required"] == true {
            continue;
        }
        let schema = parameter["schema"].take();
        parameter["schema"] = json!({"anyOf": [schema, {"type": "string", "maxLength": 0}]});
        let said = parameter["description"].as_str().unwrap_or_default().trim_end().to_owned();
        parameter["description"] = json!(format!("{said} Empty: as if not given.").trim_start());
    }
}
