//! A file sent as the request body, read into one buffer of its declared size.
//!
//! axum's `Bytes` gathers the body's chunks and then copies them into one contiguous buffer, and
//! the use cases that own the file take a `Vec<u8>`, a second copy: a 60 MB upload cost the
//! server 120 MB before a reader saw a byte (`accord bench hostile`). [`Upload`] reserves the
//! `Content-Length` once (the route's body limit has already refused a larger one) and appends
//! each chunk as it arrives, so the file is held once. A form's file field is read the same way
//! ([`field`]).

use axum::body::Body;
use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use http_body_util::BodyExt;

use crate::error::AppError;

/// The largest buffer reserved ahead from a declared length: the largest upload limit of any
/// route (a declared length beyond a route's own limit never reaches here).
const MAX_RESERVE: usize = 64 * 1024 * 1024;

/// The request body, whole.
pub struct Upload(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        read(&parts.headers, body).await.map(Upload)
    }
}

/// The request's declared length, as far as it may be reserved ahead.
pub fn reserve(headers: &HeaderMap) -> usize {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_RESERVE)
}

/// Reads `body` whole into one buffer reserved from the `Content-Length` in `headers`; for the
/// handlers that authorise before they read.
pub async fn read(headers: &HeaderMap, mut body: Body) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::with_capacity(reserve(headers));
    while let Some(frame) = body.frame().await {
        // A body cut off, or past the route's limit without a declared length.
        let frame = frame.map_err(|_| AppError::BadRequest("error-upload-unreadable"))?;
        if let Some(data) = frame.data_ref() {
            bytes.extend_from_slice(data);
        }
    }
    Ok(bytes)
}

/// Reads a form's file field chunk by chunk into one buffer of `reserve` bytes ahead (the
/// request's declared length: the file is most of it), instead of gathering the chunks and
/// copying them twice.
pub async fn field(mut field: Field<'_>, reserve: usize) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::with_capacity(reserve);
    while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest("error-upload-unreadable"))? {
        bytes.extend_from_slice(&chunk);
    }
    bytes.shrink_to_fit();
    Ok(bytes)
}
