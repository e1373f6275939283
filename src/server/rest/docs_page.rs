//! `GET /v1/docs`: the API reference as one HTML page, rendered on the server from the very
//! document `/v1/openapi.json` serves, so the page cannot say something the contract does not.
//!
//! Public, like the document: it is the contract for the mobile team and holds no data. No
//! JavaScript and nothing from another origin, so its CSP admits only our own stylesheet.

use std::fmt::Write;

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};

use super::openapi;
use crate::{error::AppError, server::AppState};

/// Where the page is served, below `/v1`.
pub(super) const PATH: &str = "/docs";

/// The page's own CSP: the global layer sets a stricter one only when none is present, and
/// that one would refuse the stylesheet.
const CSP: &str = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";

/// Operation keys of a path item, in the order the page lists them.
const METHODS: [&str; 8] = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];

/// `GET /v1/docs`.
pub(super) async fn page(State(state): State<AppState>) -> Result<Response, AppError> {
    let mut response = render(openapi::document(), &state.assets.css_href).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    Ok(response)
}

/// Escaped text, with `code` spans (the doc comments' backticks) as `<code>`.
fn inline(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let escaped = html_escape::encode_text(part);
            if i % 2 == 1 { format!("<code>{escaped}</code>") } else { escaped.into_owned() }
        })
        .collect()
}

/// Paragraphs of [`inline`] text; a blank line separates them.
fn prose(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", inline(p)))
        .collect()
}

fn attr(value: &str) -> String {
    html_escape::encode_double_quoted_attribute(value).into_owned()
}

/// An id for an anchor: letters and digits kept, anything else a `-`.
fn anchor(parts: &[&str]) -> String {
    parts.join("-").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A schema's type in words, a referenced schema as a link to its description.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#{}\">{}</a>", attr(&anchor(&["schema", name])), inline(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            let glue = if key == "allOf" { " and " } else { " or " };
            return alternatives.iter().map(type_of).collect::<Vec<_>>().join(glue);
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|v| inline(&format!("`{}`", v.as_str().unwrap_or(&v.to_string()))))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return "any".to_owned(),
    };
    types
        .iter()
        .map(|t| match (*t, schema.get("items"), schema.get("format").and_then(Value::as_str)) {
            ("array", Some(items), _) => format!("array of {}", type_of(items)),
            (t, _, Some(format)) => format!("{} ({})", inline(t), inline(format)),
            (t, _, None) => inline(t),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A schema's description followed by its limits, default and example.
fn described(description: &str, schema: &Value) -> String {
    let mut out = prose(description);
    let facts: Vec<String> = [
        ("minimum", "Minimum"),
        ("maximum", "Maximum"),
        ("minLength", "At least this many characters:"),
        ("maxLength", "At most this many characters:"),
        ("pattern", "Pattern"),
        ("default", "Default"),
        ("example", "Example:"),
    ]
    .iter()
    .filter_map(|(key, label)| {
        let value = schema.get(*key)?;
        let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        Some(format!("{label} <code>{}</code>.", html_escape::encode_text(&shown)))
    })
    .collect();
    if !facts.is_empty() {
        let _ = write!(out, "<p class=\"muted\">{}</p>", facts.join(" "));
    }
    out
}

/// A table with a caption, a header row and rows of already-rendered cells.
fn table(caption: &str, columns: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "<div class=\"table-wrap\"><table class=\"table\"><caption>{}</caption><thead><tr>",
        inline(caption)
    );
    for column in columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", inline(column));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// The schema a `$ref` points to, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| doc.pointer(&format!("/components/schemas/{name}")))
        .unwrap_or(schema)
}

/// An object's properties as a table: name, type, required, description.
fn properties(caption: &str, schema: &Value) -> String {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return String::new() };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = props
        .iter()
        .map(|(name, prop)| {
            vec![
                format!("<code>{}</code>", html_escape::encode_text(name)),
                type_of(prop),
                if required.contains(&name.as_str()) { "yes" } else { "no" }.to_owned(),
                described(str_of(prop, "description"), prop),
            ]
        })
        .collect();
    table(caption, &["Name", "Type", "Required", "Description"], &rows)
}

/// Who may call an operation, in words.
fn security(doc: &Value, op: &Value) -> String {
    let names: Vec<String> = op
        .get("security")
        .and_then(Value::as_array)
        .map(|reqs| reqs.iter().filter_map(Value::as_object).flat_map(Map::keys).cloned().collect())
        .unwrap_or_default();
    if names.is_empty() {
        return "<p><strong>Authentication:</strong> none.</p>".to_owned();
    }
    let ways: Vec<String> = names
        .iter()
        .map(|name| format!("<a href=\"#{}\">{}</a>", attr(&anchor(&["auth", name])), scheme_name(doc, name)))
        .collect();
    format!("<p><strong>Authentication:</strong> {}.</p>", ways.join(" or "))
}

/// A security scheme's name in words: what the client sends.
fn scheme_name(doc: &Value, name: &str) -> String {
    let scheme = doc.pointer(&format!("/components/securitySchemes/{name}")).unwrap_or(&Value::Null);
    match (str_of(scheme, "type"), str_of(scheme, "scheme"), str_of(scheme, "in")) {
        ("http", "bearer", _) => inline("a bearer token (`Authorization: Bearer <token>`)"),
        ("apiKey", _, place) => inline(&format!("the {place} `{}`", str_of(scheme, "name"))),
        _ => inline(name),
    }
}

fn operation(doc: &Value, method: &str, path: &str, op: &Value) -> String {
    let id = anchor(&["op", method, path]);
    let mut out = format!(
        "<article class=\"card customer-card\" id=\"{}\"><h3 class=\"card-title\">{}</h3><p><code>{} {}</code></p>",
        attr(&id),
        inline(str_of(op, "summary")),
        method.to_uppercase(),
        html_escape::encode_text(path)
    );
    out.push_str(&prose(str_of(op, "description")));
    out.push_str(&security(doc, op));
    if let Some(params) = op.get("parameters").and_then(Value::as_array).filter(|p| !p.is_empty()) {
        let rows: Vec<Vec<String>> = params
            .iter()
            .map(|p| {
                let schema = p.get("schema").unwrap_or(&Value::Null);
                vec![
                    format!("<code>{}</code>", html_escape::encode_text(str_of(p, "name"))),
                    inline(str_of(p, "in")),
                    type_of(schema),
                    if p.get("required").and_then(Value::as_bool).unwrap_or(false) { "yes" } else { "no" }
                        .to_owned(),
                    described(str_of(p, "description"), schema),
                ]
            })
            .collect();
        out.push_str(&table("Parameters", &["Name", "In", "Type", "Required", "Description"], &rows));
    }
    if let Some(body) = op.get("requestBody") {
        out.push_str("<h4>Request body</h4>");
        out.push_str(&prose(str_of(body, "description")));
        for (content_type, media) in body.get("content").and_then(Value::as_object).into_iter().flatten() {
            let schema = media.get("schema").unwrap_or(&Value::Null);
            let _ = write!(
                out,
                "<p><code>{}</code>: {}</p>",
                html_escape::encode_text(content_type),
                type_of(schema)
            );
            if schema.get("$ref").is_none() {
                // An inline schema has no entry under Schemas: its description goes here.
                out.push_str(&prose(str_of(schema, "description")));
            }
            out.push_str(&properties(&format!("Fields ({content_type})"), resolve(doc, schema)));
        }
    }
    let rows: Vec<Vec<String>> = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            vec![inline(status), prose(str_of(response, "description")), response_content(response)]
        })
        .collect();
    out.push_str(&table("Responses", &["Status", "Description", "Body and headers"], &rows));
    out.push_str("</article>");
    out
}

/// A response's content types with their schemas, and its headers.
fn response_content(response: &Value) -> String {
    let mut parts: Vec<String> = response
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(content_type, media)| {
            let schema = media.get("schema").map(type_of).unwrap_or_else(|| "any".to_owned());
            format!("<code>{}</code>: {schema}", html_escape::encode_text(content_type))
        })
        .collect();
    for (name, h) in response.get("headers").and_then(Value::as_object).into_iter().flatten() {
        parts.push(format!(
            "Header <code>{}</code>: {}",
            html_escape::encode_text(name),
            inline(str_of(h, "description"))
        ));
    }
    if parts.is_empty() { "No body.".to_owned() } else { parts.join("<br>") }
}

/// The whole page.
fn render(doc: &Value, css_href: &str) -> String {
    let info = doc.get("info").unwrap_or(&Value::Null);
    let title = format!("{} v{}", str_of(info, "title"), str_of(info, "version"));
    let tags: Vec<&Value> =
        doc.get("tags").and_then(Value::as_array).map(|t| t.iter().collect()).unwrap_or_default();
    let mut out = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} reference</title><link rel=\"stylesheet\" href=\"{}\"></head><body><main class=\"content\">\
         <h1>{} reference</h1>",
        html_escape::encode_text(&title),
        attr(css_href),
        html_escape::encode_text(&title),
    );
    out.push_str(&prose(str_of(info, "description")));
    out.push_str("<p>Machine-readable: <a href=\"/v1/openapi.json\">/v1/openapi.json</a> (OpenAPI 3).</p>");
    out.push_str("<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ul><li><a href=\"#authentication\">Authentication</a></li>");
    for tag in &tags {
        let name = str_of(tag, "name");
        let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", attr(&anchor(&["tag", name])), inline(name));
    }
    out.push_str("<li><a href=\"#schemas\">Schemas</a></li></ul></nav>");

    out.push_str("<section id=\"authentication\"><h2>Authentication</h2><p>Every operation names the ways it accepts; one of them is enough.</p><dl>");
    for (name, scheme) in
        doc.pointer("/components/securitySchemes").and_then(Value::as_object).into_iter().flatten()
    {
        let _ = write!(
            out,
            "<dt id=\"{}\">{}</dt><dd>{}</dd>",
            attr(&anchor(&["auth", name])),
            scheme_name(doc, name),
            prose(str_of(scheme, "description"))
        );
    }
    out.push_str("</dl></section>");

    for tag in &tags {
        let name = str_of(tag, "name");
        let _ = write!(out, "<section id=\"{}\"><h2>{}</h2>", attr(&anchor(&["tag", name])), inline(name));
        out.push_str(&prose(str_of(tag, "description")));
        for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let tagged = op
                    .get("tags")
                    .and_then(Value::as_array)
                    .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(name)));
                if tagged {
                    out.push_str(&operation(doc, method, path, op));
                }
            }
        }
        out.push_str("</section>");
    }

    out.push_str("<section id=\"schemas\"><h2>Schemas</h2>");
    for (name, schema) in doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten()
    {
        let _ = write!(
            out,
            "<article class=\"card customer-card\" id=\"{}\"><h3 class=\"card-title\">{}</h3>",
            attr(&anchor(&["schema", name])),
            inline(name)
        );
        out.push_str(&prose(str_of(schema, "description")));
        if schema.get("properties").is_some() {
            out.push_str(&properties("Properties", schema));
        } else {
            let _ = write!(out, "<p>Type: {}</p>", type_of(schema));
        }
        out.push_str("</article>");
    }
    out.push_str("</section></main></body></html>");
    out
}
