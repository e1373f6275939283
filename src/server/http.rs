//! The HTTP server: routes, layers, health probes, start-up and graceful shutdown.

use std::{future::Future, path::Path, time::Duration};

use axum::{
    Router,
    extract::State,
    http::{HeaderName, HeaderValue, Request, StatusCode, header},
    middleware,
    response::IntoResponse,
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    CompressionLevel,
    compression::{
        CompressionLayer,
        predicate::{DefaultPredicate, NotForContentType, Predicate},
    },
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use super::{AppState, auth};

/// How long a request may take before it is answered 408.
const REQUEST_LIMIT: Duration = Duration::from_secs(30);
/// The master-data import is processed within its request: the master system's whole export
/// (100,000 customers took 42–45 s on a slow day of the bench machine) must not be cut off.
pub const IMPORT_LIMIT: Duration = Duration::from_secs(600);
const IMPORT_PATH: &str = "/api/admin/import";

/// The largest body of a server function or `/v1` JSON call (forms and JSON are small; the
/// import and the uploads have limits of their own). axum's default, applied to ours too.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Compression level of generated responses (gzip).
const DYNAMIC_COMPRESSION_LEVEL: i32 = 4;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
use crate::app::{App, shell};

/// Every route pattern the app serves (pages, server functions, `/v1`, probes), for the
/// metrics' route label.
/// They are the binary's own, so they are listed once (an app is built many times in tests).
pub fn route_patterns() -> &'static [String] {
    static PATTERNS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let pages = generate_route_list(App).into_iter().map(|r| r.path().to_owned());
        let functions = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned());
        let api = super::rest::route_list().into_iter().map(|(_, path)| path);
        let fixed =
            ["/healthz", "/readyz", super::metrics::PATH, "/v1/openapi.json", "/v1/docs"].map(str::to_owned);
        pages.chain(functions).chain(api).chain(fixed).collect()
    })
}

/// Every route of the application with its layers.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let css = state.assets.css_href.clone();
    let pkg_dir =
        Path::new(state.leptos_options.site_root.as_ref()).join(state.leptos_options.site_pkg_dir.as_ref());
    let asset_cache = if state.assets.hashed {
        // Hashed names change with content: cache for a year.
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    };
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, asset_cache))
        .service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip());

    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let page_shell = {
        let css = css.clone();
        move |options| shell(options, css.clone())
    };

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(super::metrics::PATH, get(super::metrics::scrape))
        .nest_service("/pkg", pkg)
        .nest("/v1", super::rest::router())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            let page_shell = page_shell.clone();
            move || page_shell(options.clone())
        })
        // Inside routing, so the loader knows the page's route pattern; inside auth, so it
        // knows the user.
        .route_layer(middleware::from_fn_with_state(state.clone(), super::pages::preload))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, page_shell))
        // Inside the body limit, which has read the body by then.
        .layer(middleware::from_fn_with_state(state.clone(), super::kept_form::keep))
        .layer(middleware::from_fn(limit_server_fn_body))
        .layer(middleware::from_fn(time_limit))
        // Added after the timeout, so outside it: uploads have an idle timeout of their own.
        .merge(super::rest::upload_router(state.config.uploads.max_bytes))
        // Inside auth, which resolved the client's origin.
        .layer(middleware::from_fn_with_state(state.clone(), super::same_origin::guard))
        .layer(middleware::from_fn_with_state(state.clone(), auth::middleware))
        .layer(middleware::from_fn_with_state(state.clone(), super::metrics::record))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_request(drop_odd_request_id))
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                // Generated responses are compressed on every request, so cheaply: gzip level 4.
                // Brotli is left to the static files, compressed once at build time at its highest
                // level (`--precompress`, served as they are): per response, setting up a brotli
                // encoder cost two thirds of the customer page's throughput (4,544 req/s plain,
                // 3,134 with gzip, 1,436 with brotli 4; `make bench`, 2026-11-25).
                // Recordings are compressed already, and a compressed byte range would be wrong.
                .layer(
                    CompressionLayer::new()
                        .quality(CompressionLevel::Precise(DYNAMIC_COMPRESSION_LEVEL))
                        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("audio/"))),
                )
                // Pages replace this CSP with one carrying their nonce (see `app::shell`).
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                )),
        )
        .with_state(state)
}

/// A client's `X-Request-Id` is kept only when it looks like one (a UUID, a proxy's hex id):
/// 1–64 letters, digits, `-`, `_`, `.` or `:`. Anything else is replaced by our own, so a client
/// cannot write arbitrary text, or a secret, into every log line of its request.
async fn drop_odd_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    let odd = req.headers().get_all(&REQUEST_ID).iter().count() > 1
        || req.headers().get(&REQUEST_ID).is_some_and(|v| !is_request_id(v.as_bytes()));
    if odd {
        req.headers_mut().remove(&REQUEST_ID);
    }
    req
}

fn is_request_id(v: &[u8]) -> bool {
    (1..=64).contains(&v.len()) && v.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// The span of one request: its id (kept if the proxy sent one) is on every log line within.
fn request_span(req: &Request<axum::body::Body>) -> tracing::Span {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
}

/// Answers 408 to a request that takes longer than its limit (uploads have an idle timeout of
/// their own and are routed outside this layer).
async fn time_limit(req: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    let limit = if req.uri().path() == IMPORT_PATH { IMPORT_LIMIT } else { REQUEST_LIMIT };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// Alive: the process answers.
/// 413 for a body over [`MAX_BODY_BYTES`]: "nothing was stored".
pub fn too_large() -> crate::error::AppError {
    crate::error::AppError::TooLarge(format!(
        "The request body is over the {} MB limit; nothing was stored.",
        MAX_BODY_BYTES / 1024 / 1024
    ))
}

/// Server functions read their body themselves; an oversized one failed inside leptos as a 500.
/// Here it is read first, at most [`MAX_BODY_BYTES`] (a declared length over it is refused
/// before reading), and refused with 413. The import streams its file and has its own limit.
async fn limit_server_fn_body(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") || path == IMPORT_PATH {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large().into_response();
    }
    let (parts, body) = req.into_parts();
    match http_body_util::BodyExt::collect(http_body_util::Limited::new(body, MAX_BODY_BYTES)).await {
        Ok(collected) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(collected.to_bytes()))).await
        }
        Err(e) if e.is::<http_body_util::LengthLimitError>() => too_large().into_response(),
        Err(e) => {
            tracing::info!(error = %e, "a server function's body could not be read");
            StatusCode::BAD_REQUEST.into_response()
        }
    }
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers too.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
///
/// Our own accept loop rather than `axum::serve`, which gives hyper no timer: a client could
/// open connections and send a request's headers a byte a minute, holding each connection (and
/// its memory) for ever. Here a client that has not sent a request's whole head within
/// `header_timeout` is disconnected; bodies have their own limits (the uploads' idle timeout,
/// the others' time limit).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::{
        rt::{TokioExecutor, TokioIo, TokioTimer},
        server::{conn::auto::Builder, graceful::GracefulShutdown},
        service::TowerToHyperService,
    };

    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Streamed pages leave in several writes; with Nagle's algorithm on, each later write
        // waits for the client's delayed ACK (40 ms), so every signed-in page took 44 ms.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
        let service = tower::ServiceExt::map_request(
            app.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                req.map(axum::body::Body::new)
            },
        );
        let connection =
            builder.serve_connection_with_upgrades(TokioIo::new(tcp), TowerToHyperService::new(service));
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::is_request_id;

    #[test]
    fn only_id_shaped_request_ids_are_kept() {
        assert!(is_request_id(b"3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c"));
        assert!(is_request_id(b"haproxy:0A1B.42_x"));
        for odd in [&b""[..], b"a b", b"password=hunter2", b"<script>", &[b'a'; 65][..], "é".as_bytes()] {
            assert!(!is_request_id(odd), "{odd:?}");
        }
    }
}
