//! Security headers set on every response.

use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::Response;

/// The console's Content-Security-Policy.
pub const CSP: &str =
    "default-src 'self'; connect-src 'self' wss:; media-src 'self' blob: mediastream:; \
img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/// Adds CSP, HSTS, nosniff, no-referrer and DENY framing.
pub async fn add(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(
        STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}
