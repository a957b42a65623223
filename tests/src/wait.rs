//! Waiting for something that happens on its own time (a frame decoded, a text shown, a
//! state reached): poll a check until it gives a value, or fail naming what never came.
use std::time::{Duration, Instant};

use crate::Result;

/// How often [`eventually`] checks.
pub const POLL: Duration = Duration::from_millis(100);

/// Waits until `check` gives `Some`, checking every 100 ms (at least once); after `within`,
/// an error naming `what`.
pub async fn eventually<T>(
    what: &str,
    within: Duration,
    check: impl AsyncFnMut() -> Option<T>,
) -> Result<T> {
    eventually_every(what, within, POLL, check).await
}

/// [`eventually`], checking every `every` (a time measured at detection wants a short one).
pub async fn eventually_every<T>(
    what: &str,
    within: Duration,
    every: Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> Result<T> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = check().await {
            return Ok(v);
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: not within {within:?}").into());
        }
        tokio::time::sleep(every).await;
    }
}
