//! Starting and stopping a hub, and its programmatic admin API.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use relais_protocol::api::{
    Account, CreatedAccount, EnrolmentCode, NewAccount, PractitionerProfile,
};
use tokio::task::JoinHandle;

use crate::accounts::{create_account, create_enrolment_code, set_profile};
use crate::audit::{verify_chain, Actor, AuditEntry};
use crate::config::Config;
use crate::error::HubError;
use crate::fsutil::create_private_dir;
use crate::routes::router;
use crate::state::AppState;
use crate::store::sqlite::SqliteRepo;
use crate::store::{key, AccountRow};
use crate::tls;

/// A hub serving on [`RunningHub::addr`] until [`RunningHub::shutdown`].
#[derive(Debug)]
pub struct RunningHub {
    /// Address it listens on (the real port when the configured one was 0).
    pub addr: SocketAddr,
    fingerprint: String,
    cert_der: Vec<u8>,
    handle: Handle,
    task: JoinHandle<std::io::Result<()>>,
    state: AppState,
}

/// Opens the store, loads or makes the certificate, binds, and serves in the background.
///
/// Must be called inside a Tokio runtime (multi-threaded: storage runs on blocking threads).
pub async fn start(config: Config) -> Result<RunningHub, HubError> {
    create_private_dir(&config.data_dir)?;
    let tls = tls::load_or_generate(&config)?;
    let db_key = key::load_or_create(&config.key_path())?;
    let db_path = config.data_dir.join("hub.db");
    let repo = tokio::task::spawn_blocking(move || SqliteRepo::open(&db_path, &db_key))
        .await
        .map_err(|_| HubError::Task)??;
    let listener = std::net::TcpListener::bind(config.listen)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let state = AppState::new(config, Arc::new(repo));
    let app = router(state.clone());
    let handle = Handle::new();
    let server = axum_server::from_tcp_rustls(
        listener,
        RustlsConfig::from_config(tls.server_config.clone()),
    )
    // Signaling is many small messages (an answer, then candidates): without TCP_NODELAY,
    // Nagle's algorithm held each one behind the peer's delayed ACK, about 40 ms.
    .map(|tls| tls.acceptor(axum_server::accept::NoDelayAcceptor::new()))
    .handle(handle.clone())
    .serve(app.into_make_service_with_connect_info::<SocketAddr>());
    let task = tokio::spawn(server);
    tracing::info!(%addr, fingerprint = %tls.fingerprint, "hub listening");
    Ok(RunningHub {
        addr,
        fingerprint: tls.fingerprint,
        cert_der: tls.cert_der,
        handle,
        task,
        state,
    })
}

impl RunningHub {
    /// `https://<addr>` (an unspecified listen address is shown as 127.0.0.1).
    pub fn url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("https://{addr}")
    }

    /// `wss://<addr>/ws/signal?token=<token>`.
    pub fn signal_url(&self, token: &str) -> String {
        format!(
            "{}/ws/signal?token={token}",
            self.url().replacen("https", "wss", 1)
        )
    }

    /// SHA-256 of the certificate (DER), lowercase hex without colons: what stations pin.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The certificate (DER), e.g. to add as a root in a test client.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// Programmatic administration (accounts, enrolment codes, audit).
    pub fn admin(&self) -> Admin {
        Admin {
            state: self.state.clone(),
        }
    }

    /// Stops accepting, closes connections (2 s grace), and waits for the server to end.
    pub async fn shutdown(self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(2)));
        let _ = self.task.await;
    }

    /// Waits until the server stops (the binary's main loop).
    pub async fn wait(self) -> Result<(), HubError> {
        match self.task.await {
            Ok(r) => r.map_err(HubError::Io),
            Err(_) => Err(HubError::Task),
        }
    }

    /// Handle to stop the server from elsewhere (Ctrl-C).
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

/// Administration without HTTP, acting as the hub itself (audited with actor `system`).
#[derive(Debug, Clone)]
pub struct Admin {
    state: AppState,
}

impl Admin {
    /// Creates an account; the answer holds its TOTP secret.
    pub async fn create_account(&self, new: NewAccount) -> Result<CreatedAccount, HubError> {
        Ok(create_account(&self.state, Actor::System, new).await?)
    }

    /// Sets (or replaces) the practitioner profile of a GP account.
    pub async fn set_profile(
        &self,
        account_id: &str,
        profile: &PractitionerProfile,
    ) -> Result<Account, HubError> {
        Ok(set_profile(&self.state, Actor::System, account_id, profile).await?)
    }

    /// Creates a one-time enrolment code valid 24 h.
    pub async fn create_enrolment_code(
        &self,
        station_name: &str,
    ) -> Result<EnrolmentCode, HubError> {
        Ok(create_enrolment_code(&self.state, Actor::System, station_name).await?)
    }

    /// The stored account of an e-mail (secrets included), if any.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<AccountRow>, HubError> {
        let email = crate::accounts::email_key(email);
        self.state.db(move |r| r.account_by_email(&email)).await
    }

    /// The whole audit trail, oldest first.
    pub async fn audit(&self) -> Result<Vec<AuditEntry>, HubError> {
        self.state.db(|r| r.all_audit()).await
    }

    /// Whether the audit chain is intact.
    pub async fn verify_audit(&self) -> Result<bool, HubError> {
        Ok(verify_chain(&self.audit().await?).is_ok())
    }
}
