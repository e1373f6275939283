//! The OpenAPI document and the reference page: every `/v1` route the router serves is
//! documented, with its errors and its authentication, and nothing is documented that is not
//! served.

use std::collections::BTreeSet;

use contactdesk::server::rest::route_list;
use reqwest::{StatusCode, header};
use serde_json::Value;

use crate::helpers::TestApp;

/// Operation keys of an OpenAPI path item.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The document, fetched without credentials.
async fn document(app: &TestApp) -> Value {
    let response = reqwest::get(app.url("/v1/openapi.json")).await.expect("request");
    assert_eq!(response.status(), StatusCode::OK, "the document is public");
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    response.json().await.expect("the document is JSON")
}

/// Every (METHOD, path) the document describes.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths is an object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter(|m| item.get(**m).is_some()).map(|m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

/// The schema a `$ref` points to, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => doc.pointer(pointer).expect("a $ref points into the document"),
        None => schema,
    }
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_is_served() {
    let app = TestApp::spawn().await;

    let doc = document(&app).await;

    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "openapi: {}", doc["openapi"]);
    let documented = documented(&doc);
    let served: BTreeSet<(String, String)> = route_list().into_iter().collect();
    assert!(served.len() >= 13, "route_list lists the upload and the nested routes: {served:?}");
    for (method, path) in &served {
        assert!(
            documented.contains(&(method.clone(), path.clone())),
            "the router serves {method} {path}, but the OpenAPI document does not describe it: \
             add #[utoipa::path] to its handler and list it in `paths(...)` of rest/openapi.rs"
        );
    }
    for (method, path) in &documented {
        assert!(
            served.contains(&(method.clone(), path.clone())),
            "the OpenAPI document describes {method} {path}, which the router does not serve"
        );
    }
}

#[tokio::test]
async fn every_operation_documents_its_errors_and_its_authentication() {
    let app = TestApp::spawn().await;

    let doc = document(&app).await;

    for (method, path) in documented(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let statuses: Vec<u16> =
            op["responses"].as_object().expect("responses").keys().filter_map(|s| s.parse().ok()).collect();
        assert!(statuses.iter().any(|s| *s >= 400), "{method} {path} documents no error: {statuses:?}");
        assert!(statuses.contains(&401), "{method} {path} does not document 401");
        let security = op["security"].as_array().map(Vec::as_slice).unwrap_or_default();
        assert!(!security.is_empty(), "{method} {path} names no way to authenticate");
        for scheme in security.iter().filter_map(Value::as_object).flat_map(|r| r.keys()) {
            assert!(
                doc["components"]["securitySchemes"].get(scheme).is_some(),
                "{method} {path} names the undeclared security scheme {scheme}"
            );
        }
    }
    let upload = &doc["paths"]["/v1/calls/upload"]["post"];
    let form = &upload["requestBody"]["content"]["multipart/form-data"]["schema"];
    let fields: BTreeSet<&str> = resolve(&doc, form)["properties"]
        .as_object()
        .expect("the upload's form has properties")
        .keys()
        .map(String::as_str)
        .collect();
    let expected = BTreeSet::from([
        "call_id",
        "phone",
        "direction",
        "started_at",
        "duration_seconds",
        "sha256",
        "audio",
    ]);
    assert_eq!(fields, expected, "the upload's multipart fields");
    for status in ["200", "201", "401", "408", "409", "413", "415", "422"] {
        assert!(upload["responses"].get(status).is_some(), "the upload does not document {status}");
    }
}

/// Every `$ref` anywhere in `value`.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                found.push(r.to_owned());
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_resolves_and_every_operation_has_its_own_id() {
    let app = TestApp::spawn().await;

    let doc = document(&app).await;

    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let target = reference.strip_prefix('#').and_then(|pointer| doc.pointer(pointer));
        assert!(target.is_some(), "{reference} leads nowhere: list the type in `components(schemas(...))`");
    }
    let mut ids = BTreeSet::new();
    for (method, path) in documented(&doc) {
        let id = doc["paths"][&path][method.to_lowercase()]["operationId"].as_str().unwrap_or_default();
        assert!(
            !id.is_empty() && ids.insert(id.to_owned()),
            "{method} {path}: operationId {id:?} is missing or taken"
        );
    }
}

#[tokio::test]
async fn the_reference_page_shows_every_route_and_how_to_authenticate() {
    let app = TestApp::spawn().await;

    let response = reqwest::get(app.url("/v1/docs")).await.expect("request");

    assert_eq!(response.status(), StatusCode::OK, "the page is public");
    let headers = response.headers().clone();
    assert!(headers[header::CONTENT_TYPE].to_str().expect("ascii").starts_with("text/html"));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
    assert!(csp.contains("style-src 'self'") && !csp.contains("script-src"), "{csp}");
    let html = response.text().await.expect("text");
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(!html.contains("<script"), "the page needs no JavaScript");
    for (method, path) in route_list() {
        assert!(html.contains(&format!("{method} {path}")), "the page does not show {method} {path}");
    }
    for expected in ["multipart/form-data", "Authorization", "<th scope=\"col\">", "contactdesk_session"] {
        assert!(html.contains(expected), "the page does not mention {expected}");
    }
}

#[tokio::test]
async fn an_unknown_api_path_answers_the_documented_error_body() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;

    let response = reqwest::get(app.url("/v1/nope")).await.expect("request");

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.expect("a JSON error");
    assert_eq!(body["error"]["code"], "not_found");
    let detail = resolve(&doc, &doc["components"]["schemas"]["ErrorBody"]["properties"]["error"]);
    let documented: BTreeSet<&String> =
        detail["properties"].as_object().expect("ErrorDetail").keys().collect();
    let sent: BTreeSet<&String> = body["error"].as_object().expect("error object").keys().collect();
    assert_eq!(sent, documented, "the error body has exactly the documented fields");
}

/// The request body an operation documents, resolved.
fn body_schema<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    resolve(doc, &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"])
}

/// What the server requires is what the document says: the fields a body must have, the
/// rules between fields, and that an empty query value means "not given". (The contract is
/// also fuzzed from this document by schemathesis in `make test`.)
#[tokio::test]
async fn each_body_is_its_own_and_states_what_the_server_requires() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;

    let correction = body_schema(&doc, "/v1/customer_contact_updates", "post");
    let required: Vec<&str> =
        correction["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(required.contains(&"customer_id") && required.contains(&"update_reason"), "{correction}");
    assert!(
        correction["properties"].get("shared_phone").is_none(),
        "not the new contact's body: {correction}"
    );
    assert_eq!(correction["anyOf"].as_array().map(Vec::len), Some(2), "a new mobile or a new email");
    let reasons = &doc["components"]["schemas"]["UpdateReason"]["enum"];
    assert_eq!(reasons.as_array().map(Vec::len), Some(6), "{reasons}");
    assert!(reasons.as_array().unwrap().contains(&Value::from("Email bounced / SMS failed")));

    let contact = body_schema(&doc, "/v1/contacts", "post");
    assert!(contact["properties"].get("shared_phone").is_some(), "{contact}");
    assert_eq!(contact["anyOf"].as_array().map(Vec::len), Some(2), "a mobile or an email");
    let edit = body_schema(&doc, "/v1/contacts/{id}", "put");
    assert!(edit["properties"]["update_reason"].to_string().contains("UpdateReason"), "{edit}");

    let bulk = body_schema(&doc, "/v1/customer_contact_updates/bulk-sync", "post");
    assert_eq!(bulk["properties"]["update_ids"]["minItems"], 1);

    let list = &doc["paths"]["/v1/customer_contact_updates"]["get"]["parameters"];
    let to_date = list.as_array().unwrap().iter().find(|p| p["name"] == "to_date").unwrap();
    assert_eq!(to_date["schema"]["anyOf"][1]["maxLength"], 0, "an empty value is documented: {to_date}");
    let upload = &doc["paths"]["/v1/calls/upload"]["post"];
    assert!(upload.get("parameters").is_none_or(Value::is_array), "{upload}");
}
