//! `/metrics`: what an operator's Prometheus scrapes — requests by route and status, their
//! latency, uploads, the email outbox's depth and the database pool's use — in the Prometheus
//! text format (`prometheus-client`, the Prometheus project's own crate).
//!
//! Routes are labelled by their pattern (`/v1/contacts/{id}`), never by the raw path: a client
//! requesting random paths must not grow the label set without bound (they count as `other`).

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use super::{AppState, auth::Authentication, rest::ApiAdmin};
use crate::error::AppError;

pub const PATH: &str = "/metrics";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

/// Latency buckets: 1 ms to about 16 s, doubling.
fn latency() -> Histogram {
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 15))
}

/// The application's metrics, shared by every request.
pub struct Metrics {
    registry: Registry,
    routes: Routes,
    requests: Family<RequestLabels, Counter>,
    seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
    /// Bytes of recordings stored.
    pub upload_bytes: Counter,
    uploads_running: Gauge,
    outbox: Family<StatusLabels, Gauge>,
    pool_size: Gauge,
    pool_idle: Gauge,
    hashes: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// `patterns`: every route the app serves, written with `{param}` or `:param` segments.
    pub fn new(patterns: impl IntoIterator<Item = String>) -> Arc<Self> {
        let mut registry = Registry::with_prefix("contactdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            requests.clone(),
        );
        let seconds = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route pattern",
            seconds.clone(),
        );
        let upload_bytes = Counter::default();
        registry.register("upload_bytes", "Bytes of call recordings stored", upload_bytes.clone());
        let uploads_running = Gauge::default();
        registry.register("uploads_in_progress", "Uploads being received now", uploads_running.clone());
        let outbox = Family::<StatusLabels, Gauge>::default();
        registry.register("outbox_messages", "Payment emails in the outbox, by status", outbox.clone());
        let pool_size = Gauge::default();
        registry.register("db_pool_connections", "Database connections open", pool_size.clone());
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Database connections open and idle",
            pool_idle.clone(),
        );
        let hashes = Gauge::default();
        registry.register("password_checks_started", "Password checks run since start", hashes.clone());
        Arc::new(Self {
            registry,
            routes: Routes::new(patterns),
            requests,
            seconds,
            upload_bytes,
            uploads_running,
            outbox,
            pool_size,
            pool_idle,
            hashes,
        })
    }

    fn observe(&self, route: &str, method: &str, status: StatusCode, started: Instant) {
        let route = route.to_owned();
        let labels =
            RequestLabels { route: route.clone(), method: method.to_owned(), status: status.as_u16() };
        self.requests.get_or_create(&labels).inc();
        self.seconds.get_or_create(&RouteLabels { route }).observe(started.elapsed().as_secs_f64());
    }
}

/// Counts and times every request by its route pattern.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = state.metrics.routes.pattern_of(req.uri().path());
    let response = next.run(req).await;
    state.metrics.observe(route, &method, response.status(), started);
    response
}

/// The metrics, for an admin (session or `api` token) or a scraper at an address listed in
/// `metrics.allow`.
pub async fn scrape(State(state): State<AppState>, req: Request) -> Response {
    let allowed_address = req
        .extensions()
        .get::<Authentication>()
        .and_then(|a| a.client_ip.parse().ok())
        .is_some_and(|ip| state.config.metrics.allow.contains(ip));
    if !allowed_address {
        let (mut parts, _) = req.into_parts();
        if let Err(e) =
            <ApiAdmin as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state)
                .await
        {
            return e.into_response();
        }
    }
    match render(&state).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            )],
            text,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn render(state: &AppState) -> Result<String, AppError> {
    let m = &state.metrics;
    for (status, count) in state.db.outbox_depth().await? {
        m.outbox.get_or_create(&StatusLabels { status }).set(count);
    }
    let (size, idle) = state.db.pool_use();
    m.pool_size.set(i64::from(size));
    m.pool_idle.set(idle as i64);
    m.uploads_running.set(state.uploads.running() as i64);
    m.hashes.set(state.passwords.hashes_run() as i64);
    let mut text = String::new();
    encode(&mut text, &m.registry).map_err(|e| super::error::internal("encoding the metrics", e))?;
    Ok(text)
}

/// Request paths to route patterns: each pattern's name and segments, those without a
/// parameter first, so that `/contacts/new` wins over `/contacts/:id`.
struct Routes(Vec<(String, Vec<Segment>)>);

enum Segment {
    Literal(String),
    Param,
}

impl Routes {
    fn new(patterns: impl IntoIterator<Item = String>) -> Self {
        let mut routes: Vec<(String, Vec<Segment>)> = patterns
            .into_iter()
            .map(|name| {
                let segments = name
                    .split('/')
                    .map(|s| match s.chars().next() {
                        Some('{' | ':' | '*') => Segment::Param,
                        _ => Segment::Literal(s.to_owned()),
                    })
                    .collect();
                (name, segments)
            })
            .collect();
        routes.sort_by_key(|(_, segments)| segments.iter().any(|s| matches!(s, Segment::Param)));
        Self(routes)
    }

    /// The first pattern `path` matches, else a bucket: never the raw path.
    fn pattern_of(&self, path: &str) -> &str {
        if path.starts_with("/pkg/") {
            return "/pkg/*";
        }
        let count = path.split('/').count();
        let matches = |segments: &[Segment]| {
            segments.len() == count
                && segments.iter().zip(path.split('/')).all(|(s, p)| match s {
                    Segment::Literal(l) => l == p,
                    Segment::Param => !p.is_empty(),
                })
        };
        self.0.iter().find(|(_, segments)| matches(segments)).map_or("other", |(name, _)| name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Routes;

    #[test]
    fn paths_are_labelled_by_their_pattern_and_unknown_ones_share_one_label() {
        let routes = Routes::new(
            [
                "/v1/contacts",
                "/v1/contacts/{id}",
                "/v1/contacts/{id}/payment-qr.png",
                "/customers/:id",
                "/contacts/new",
            ]
            .map(str::to_owned),
        );
        assert_eq!(routes.pattern_of("/v1/contacts/42"), "/v1/contacts/{id}");
        assert_eq!(routes.pattern_of("/v1/contacts"), "/v1/contacts");
        assert_eq!(routes.pattern_of("/v1/contacts/7/payment-qr.png"), "/v1/contacts/{id}/payment-qr.png");
        assert_eq!(routes.pattern_of("/customers/9"), "/customers/:id");
        assert_eq!(routes.pattern_of("/contacts/new"), "/contacts/new");
        assert_eq!(routes.pattern_of("/no/such/thing"), "other");
        assert_eq!(routes.pattern_of("/pkg/contactdesk.abc.wasm"), "/pkg/*");
    }
}
