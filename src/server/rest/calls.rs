//! `POST /v1/calls/upload` (the phones' recordings), `GET /v1/calls/{id}` and its audio.

use std::collections::HashMap;

use axum::{
    Json,
    body::Body,
    extract::{Multipart, Path, State, multipart::MultipartError, rejection::PathRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use tokio::time::timeout;
use utoipa::ToSchema;

use super::{
    ApiUser, Uploader,
    openapi::{Binary, ErrorBody, FORBIDDEN_UPLOAD_TOKEN, INTERNAL, TIMED_OUT, UNAUTHORIZED},
    path_id,
};
use crate::{
    domain::call::{CallLog, Direction},
    error::AppError,
    server::{
        AppState, audio,
        calls::{self, NewCall, UPLOAD_FIELDS},
        error::internal,
        storage::{HEAD_BYTES, Staged},
        time, upload_gate,
    },
};

/// Room for the multipart framing and the text fields around the audio.
const FORM_OVERHEAD: u64 = 64 * 1024;
/// The longest text field accepted (a phone number, a UUID, a time…).
const MAX_TEXT_FIELD: usize = 1024;

// For the OpenAPI document only: `upload` reads the parts one by one as they arrive, so the
// audio is streamed to disk, never held in memory.
/// One recorded call: its fields as text parts, and the audio as a file part.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart form for the OpenAPI document; `upload` reads it part by part"
)]
struct UploadForm {
    /// The phone's UUID of the call: a retry with the same id is the same call.
    #[schema(format = "uuid", example = "3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c")]
    call_id: String,
    /// The other party's number as the phone shows it: any valid number, mobile or fixed line,
    /// local (`5737 2333`) or international (`+44…`, `0044…`), with spaces, dashes, dots,
    /// slashes or parentheses. A call without a number is stored without a contact, shown by
    /// why: empty, `-`, `-1` or `unknown` ("Unknown number"); `-2`, `private`, `anonymous`,
    /// `withheld` or `restricted` ("Private number"); `-3` or `payphone` ("Payphone"). The
    /// negative values are Android's call log's; words are matched in any case.
    #[schema(example = "5737 2333")]
    phone: String,
    direction: Direction,
    /// When the call started: RFC 3339 with its offset (`2026-11-25T10:30:00+04:00`) or
    /// milliseconds since 1970 (`1764052200000`, Android's `CallLog.Calls.DATE`), from the year
    /// 2000 and at most a day ahead of the server's clock (phones' clocks drift).
    #[schema(format = DateTime, pattern = "^([2-9][0-9]{3}-|[0-9]{12,13}$)", example = "2026-11-25T10:30:00+04:00")]
    started_at: String,
    /// The call's length in whole seconds, 0 to 86400.
    #[schema(minimum = 0, maximum = 86400, example = 95)]
    duration_seconds: i64,
    /// Optional: the audio's SHA-256 as 64 hex digits; the server checks the bytes it received
    /// against it (422 when they differ).
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    sha256: Option<String>,
    /// The recording, as a file part: mp3, m4a/aac, amr, 3gp, ogg/opus, wav or webm, recognised
    /// by its bytes, not its name; at most the server's limit (200 MB by default).
    #[schema(value_type = String, format = Binary)]
    audio: Vec<u8>,
}

/// Upload a recorded call
///
/// For the phones: any token (`upload` or `api`) or a session; the call is the caller's. The
/// audio is streamed to a temporary file while it is hashed and stored only when every check
/// passes, after it is on disk; whatever the error, no row and no file stay behind. A retry with
/// the same `call_id` and the same audio answers 200 with the first record. An upload is
/// dropped when no bytes arrive for the idle timeout, or when it takes longer than
/// `uploads.max_seconds` in all (an hour by default). The call is linked to the contact with
/// this number (a new number creates a lead).
#[utoipa::path(
    post,
    path = "/v1/calls/upload",
    operation_id = "upload_call",
    tag = "calls",
    request_body(content = inline(UploadForm), content_type = "multipart/form-data",
        description = "The call's fields as text parts, and the file part `audio`; unknown parts are skipped.",
        encoding(("audio" = (content_type = "audio/mpeg, audio/mp4, audio/aac, audio/amr, audio/3gpp, audio/ogg, audio/wav, audio/webm")))),
    responses(
        (status = 201, description = "Stored: the new call log.", body = CallLog),
        (status = 200, description = "A retry of a stored `call_id` with the same audio: the first record, nothing new.", body = CallLog),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 408, description = "No bytes arrived for the idle timeout (`uploads.idle_timeout_seconds`), or the upload took longer than `uploads.max_seconds`; nothing was stored (`timeout`).", body = ErrorBody),
        (status = 409, description = "This `call_id` was uploaded before with different audio; nothing was stored (`conflict`).", body = ErrorBody),
        (status = 413, description = "Over the size limit, judged from `Content-Length` before the body is read, else as soon as the count passes it (`too_large`).", body = ErrorBody),
        (status = 415, description = "The file is not audio of a known kind, judged from its first bytes (`unsupported_type`).", body = ErrorBody),
        (status = 429, description = "This token already has `uploads.max_per_token` uploads in progress, or the server `uploads.max_concurrent`; `Retry-After` says when to try again (`too_many_requests`).", body = ErrorBody),
        (status = 507, description = "The server's disk is below its free-space reserve (`storage.min_free_bytes`); nothing was stored (`insufficient_storage`).", body = ErrorBody),
        (status = 422, description = "Not multipart, a field missing or malformed (each named in `fields`), no `audio` part, or `sha256` does not match the bytes (`invalid_input`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn upload(
    State(state): State<AppState>,
    uploader: Uploader,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<CallLog>), AppError> {
    let limits = &state.config.uploads;
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_bytes + FORM_OVERHEAD) {
        return Err(too_large(limits.max_bytes));
    }
    // A session's uploads are counted apart from any token's (ids of both are positive).
    let _slot = state.uploads.enter(uploader.token_id.unwrap_or(-uploader.user.id))?;
    let storage = &state.config.storage;
    upload_gate::ensure_room(&storage.data_dir, storage.min_free_bytes, declared.unwrap_or(0))?;
    let max = limits.max_duration();
    timeout(max, receive(&state, uploader, multipart)).await.unwrap_or_else(|_| {
        let secs = max.as_secs();
        let took = if secs % 60 == 0 { format!("{} minutes", secs / 60) } else { format!("{secs} seconds") };
        Err(AppError::Timeout(format!(
            "The upload took longer than {took}; it was dropped and nothing was stored."
        )))
    })
}

/// Reads the parts as they arrive (the audio streamed to storage), then records the call.
async fn receive(
    state: &AppState,
    Uploader { user, token_id }: Uploader,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<CallLog>), AppError> {
    let limits = &state.config.uploads;
    let mut multipart = multipart.map_err(|_| {
        AppError::invalid(
            "body",
            "The body must be multipart/form-data with the fields call_id, phone, direction, started_at, \
             duration_seconds, optional sha256, and the file part audio.",
        )
    })?;
    let idle = limits.idle_timeout();
    let stalled = || {
        AppError::Timeout(format!("No data arrived for {} seconds; the upload was dropped.", idle.as_secs()))
    };
    let mut fields = HashMap::new();
    let mut audio: Option<(Staged, calls::AudioType)> = None;
    while let Some(mut field) =
        timeout(idle, multipart.next_field()).await.map_err(|_| stalled())?.map_err(body_error)?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "audio" {
            if audio.is_some() {
                return Err(AppError::invalid("audio", "Send one audio file per call."));
            }
            let mut staging =
                state.recordings.stage().await.map_err(|e| internal("cannot start storing an upload", e))?;
            let mut recognised = None;
            while let Some(chunk) =
                timeout(idle, field.chunk()).await.map_err(|_| stalled())?.map_err(body_error)?
            {
                staging.write(&chunk).await.map_err(|e| internal("cannot write an upload", e))?;
                if staging.size() > limits.max_bytes {
                    return Err(too_large(limits.max_bytes));
                }
                // Refuse a file that is not audio as soon as its first bytes say so.
                if recognised.is_none() && staging.head().len() >= HEAD_BYTES {
                    recognised = Some(audio::recognise(staging.head()).ok_or_else(not_audio)?);
                }
            }
            if staging.size() == 0 {
                return Err(AppError::invalid("audio", "The audio file is empty."));
            }
            let kind = match recognised {
                Some(kind) => kind,
                None => audio::recognise(staging.head()).ok_or_else(not_audio)?,
            };
            let staged = staging.finish().await.map_err(|e| internal("cannot flush an upload", e))?;
            audio = Some((staged, kind));
        } else if UPLOAD_FIELDS.contains(&name.as_str()) {
            let mut text = Vec::new();
            while let Some(chunk) =
                timeout(idle, field.chunk()).await.map_err(|_| stalled())?.map_err(body_error)?
            {
                text.extend_from_slice(&chunk);
                if text.len() > MAX_TEXT_FIELD {
                    return Err(AppError::invalid(
                        &name,
                        format!("{name} is longer than {MAX_TEXT_FIELD} bytes."),
                    ));
                }
            }
            let text = String::from_utf8(text)
                .map_err(|_| AppError::invalid(&name, format!("{name} is not valid UTF-8 text.")))?;
            fields.insert(name, text);
        }
        // Other parts are skipped: a newer app may send more than this server knows.
    }
    let call = NewCall::parse(&fields);
    let Some((staged, kind)) = audio else {
        let mut errors = match call {
            Err(AppError::Invalid(v)) => v,
            _ => Vec::new(),
        };
        errors.push(crate::error::FieldError::new("audio", "audio (the recording file) is required."));
        return Err(AppError::Invalid(errors));
    };
    let (log, created) = calls::record(state, &user, token_id, call?, staged, kind).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(log)))
}

fn too_large(max: u64) -> AppError {
    AppError::TooLarge(format!(
        "The recording is larger than the limit of {} MB; nothing was stored.",
        max / (1024 * 1024)
    ))
}

fn not_audio() -> AppError {
    AppError::UnsupportedType(
        "The file is not audio: send mp3, m4a/aac, amr, 3gp, ogg/opus, wav or webm. Nothing was stored."
            .into(),
    )
}

/// A broken multipart body: over the body limit (413), or cut off / malformed.
fn body_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge("The upload is larger than the limit; nothing was stored.".into());
    }
    AppError::invalid(
        "body",
        format!("The multipart body could not be read ({}); nothing was stored.", e.body_text()),
    )
}

/// A call's log
///
/// For any agent or admin (session or `api` token).
#[utoipa::path(
    get,
    path = "/v1/calls/{id}",
    operation_id = "get_call",
    tag = "calls",
    params(("id" = i64, Path, description = "The call log's id (`id` of the upload's answer, not `call_id`).")),
    responses(
        (status = 200, description = "The call log.", body = CallLog),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 404, description = "No call has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The id in the path is not a number (`invalid_input`, field `id`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<CallLog>, AppError> {
    Ok(Json(calls::get(&state, path_id(id, "call")?).await?.0))
}

/// A call's recording
///
/// The audio with its own content type, for a player: one HTTP `Range` (so it can seek; several
/// ranges get the whole file), `If-Range`, and conditional requests on `ETag` (the audio's
/// SHA-256, with `If-None-Match`) and `Last-Modified` (with `If-Modified-Since`).
#[utoipa::path(
    get,
    path = "/v1/calls/{id}/audio",
    operation_id = "get_call_audio",
    tag = "calls",
    params(
        ("id" = i64, Path, description = "The call log's id."),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`."),
        ("If-Range" = Option<String>, Header, description = "The `ETag`: the range applies only to this very file."),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` seen before: 304 when it still matches."),
        ("If-Modified-Since" = Option<String>, Header, description = "An HTTP date: 304 when the file is not newer."),
    ),
    responses(
        (status = 200, description = "The whole recording.", content_type = "audio/*", body = Binary,
            headers(
                ("ETag" = String, description = "The audio's SHA-256, quoted."),
                ("Last-Modified" = String, description = "When the call was stored."),
                ("Accept-Ranges" = String, description = "`bytes`."),
            )),
        (status = 206, description = "The requested range.", content_type = "audio/*", body = Binary,
            headers(("Content-Range" = String, description = "`bytes start-end/size`."))),
        (status = 304, description = "Not modified since the `ETag` or the date sent; no body."),
        (status = 416, description = "The range lies outside the file; `Content-Range: bytes */size`, no body.",
            headers(("Content-Range" = String, description = "`bytes */size`."))),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 404, description = "No call has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The id in the path is not a number (`invalid_input`, field `id`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn audio_file(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id = path_id(id, "call")?;
    let (log, key) = calls::get(&state, id).await?;
    let etag = format!("\"{}\"", log.audio_sha256);
    let modified = time::parse_rfc3339(&log.created_at).unwrap_or_default();
    let header_str = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let not_modified = match header_str(header::IF_NONE_MATCH) {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => header_str(header::IF_MODIFIED_SINCE)
            .and_then(time::parse_http_date)
            .is_some_and(|since| modified / 1000 <= since / 1000),
    };
    let mut response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::LAST_MODIFIED, time::http_date(modified))
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "private, max-age=3600");
    if not_modified {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(|e| internal("response", e));
    }
    let size = log.audio_size as u64;
    // A Range is honoured only for this very file (If-Range), and only a single range: for
    // several, the whole file is the simpler correct answer.
    let range_applies = header_str(header::IF_RANGE).is_none_or(|v| v.trim() == etag);
    let range = match header_str(header::RANGE).filter(|_| range_applies) {
        None => None,
        Some(value) => match http_range_header::parse_range_header(value) {
            Err(_) => None,
            Ok(parsed) => match parsed.validate(size) {
                Ok(ranges) if ranges.len() == 1 => Some(ranges[0].clone()),
                Ok(_) => None,
                Err(_) => {
                    return response
                        .status(StatusCode::RANGE_NOT_SATISFIABLE)
                        .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                        .body(Body::empty())
                        .map_err(|e| internal("response", e));
                }
            },
        },
    };
    let (start, len) = match &range {
        Some(r) => (*r.start(), r.end() - r.start() + 1),
        None => (0, size),
    };
    let (reader, stored_size) = state
        .recordings
        .open_range(&key, start, Some(len))
        .await
        .map_err(|e| internal("a call's recording cannot be opened", format!("call {id}, {key}: {e}")))?;
    if stored_size != size {
        tracing::error!(
            call = id,
            key,
            stored_size,
            size,
            "a recording's size differs from its call log (run fsck)"
        );
    }
    response = response.header(header::CONTENT_TYPE, &log.audio_type).header(header::CONTENT_LENGTH, len);
    if let Some(r) = &range {
        response = response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {}-{}/{size}", r.start(), r.end()));
    }
    response
        .body(Body::from_stream(tokio_util::io::ReaderStream::new(reader)))
        .map_err(|e| internal("response", e))
}

/// The Call Logs filter as query parameters, read by `CallFilter::from_params`; only this
/// document uses the type (the handler reads the raw query and reports every bad parameter).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes the query for the OpenAPI document; the handler parses it by hand")]
pub(super) struct CallsQuery {
    /// Only calls of this contact.
    #[param(minimum = 1)]
    contact_id: Option<i64>,
    /// Only calls uploaded for this user (a positive user id).
    #[param(minimum = 1)]
    agent_id: Option<i64>,
    /// Only calls with this number, in any written form (`5737 2333`, `+230…`, `00230…`): 3 to
    /// 15 digits, an optional leading `+` or `00`, spaces, dashes, dots and parentheses.
    #[param(
        max_length = 40,
        pattern = r"^[ \u00A0()./-]*(\+|00)?([ \u00A0()./-]*[0-9]){3,15}[ \u00A0()./-]*$"
    )]
    phone: Option<String>,
    /// `inbound` or `outbound`.
    direction: Option<Direction>,
    /// Started on or after this day (`YYYY-MM-DD`, business time zone; from 1900).
    #[param(value_type = Option<String>, format = Date, pattern = r"^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$", example = "2026-11-01")]
    from: Option<String>,
    /// Started on or before this day, the whole day included.
    #[param(value_type = Option<String>, format = Date, pattern = r"^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$", example = "2026-11-25")]
    to: Option<String>,
}

/// A page of calls.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct CallList {
    total: i64,
    limit: i64,
    offset: i64,
    calls: Vec<CallLog>,
}

/// Recorded calls
///
/// Newest first, filtered; `total` counts every match. For any agent or admin (session or `api`
/// token).
#[utoipa::path(
    get,
    path = "/v1/calls",
    operation_id = "list_calls",
    tag = "calls",
    params(CallsQuery, super::report::PagingQuery),
    responses(
        (status = 200, description = "The page and the total.", body = CallList),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "A bad parameter, named in `fields` (`invalid_input`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Json<CallList>, AppError> {
    let params = crate::server::report::params_of(query.as_deref().unwrap_or_default());
    let filter = crate::domain::call::CallFilter::from_params(|k| params.get(k).cloned());
    let paging = crate::server::report::api_paging(&params);
    let (filter, paging) = AppError::both(filter, paging)?;
    let (total, calls) = calls::list(&state, &filter, paging.limit, paging.offset).await?;
    Ok(Json(CallList { total, limit: paging.limit, offset: paging.offset, calls }))
}
