//! State shared by every request handler.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::auth::password::Passwords;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::session::SessionPolicy;
use crate::clock::Clock;
use crate::config::Config;
use crate::console::ConsoleFiles;
use crate::error::HubError;
use crate::signal::rooms::Rooms;
use crate::store::Repository;

/// What handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The configuration the hub started with.
    pub config: Arc<Config>,
    /// Storage.
    pub repo: Arc<dyn Repository>,
    /// Source of time.
    pub clock: Arc<dyn Clock>,
    /// Password hashing.
    pub passwords: Passwords,
    /// Sign-in failures per account and per IP.
    pub login_limit: Arc<RateLimiter>,
    /// Enrolment failures per IP.
    pub enrol_limit: Arc<RateLimiter>,
    /// Live signaling rooms.
    pub rooms: Arc<Rooms>,
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// The GP console's files.
    pub console: Arc<ConsoleFiles>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// Builds the state around an open repository.
    pub fn new(config: Config, repo: Arc<dyn Repository>) -> AppState {
        let clock = config.clock();
        let sessions = SessionPolicy {
            lifetime: Duration::seconds(
                i64::try_from(config.session_lifetime_secs).unwrap_or(i64::MAX / 2),
            ),
            idle: Duration::seconds(
                i64::try_from(config.session_idle_secs).unwrap_or(i64::MAX / 2),
            ),
        };
        AppState {
            passwords: Passwords::new(config.password_cost),
            login_limit: Arc::new(RateLimiter::login()),
            enrol_limit: Arc::new(RateLimiter::login()),
            rooms: Arc::new(Rooms::default()),
            console: Arc::new(ConsoleFiles::locate(config.console_dir.as_deref())),
            sessions,
            clock,
            repo,
            config: Arc::new(config),
        }
    }

    /// Now, by the hub's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today, by the hub's clock.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// Runs blocking storage work off the async threads.
    pub async fn db<T, F>(&self, f: F) -> Result<T, HubError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Repository) -> Result<T, HubError> + Send + 'static,
    {
        let repo = self.repo.clone();
        tokio::task::spawn_blocking(move || f(repo.as_ref()))
            .await
            .map_err(|_| HubError::Task)?
    }

    /// Runs CPU-heavy work (Argon2) off the async threads.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, HubError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, HubError> + Send + 'static,
    {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|_| HubError::Task)?
    }
}
