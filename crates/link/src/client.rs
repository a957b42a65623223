//! The hub's HTTPS API, as the station uses it.
use std::sync::Arc;
use std::time::Duration;

use relais_protocol::api::{
    ApiError, ConsultationRequest, ConsultationStatus, EnrolRequest, RoomTicket, StationCredential,
};
use reqwest::{Method, StatusCode};
use rustls::ClientConfig;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::from_transport;
use crate::{tls, LinkError};

/// Time allowed for one API call.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// A client of one hub, with the station's credential once enrolled. Cheap to clone.
#[derive(Clone)]
pub struct HubClient {
    base: reqwest::Url,
    http: reqwest::Client,
    tls: Arc<ClientConfig>,
    token: Option<String>,
}

impl std::fmt::Debug for HubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("HubClient")
            .field("base", &self.base.as_str())
            .field("enrolled", &self.token.is_some())
            .finish()
    }
}

impl HubClient {
    /// A client of the hub at `url` (https://host:port), pinning `fingerprint` when given.
    pub fn new(url: &str, fingerprint: Option<&str>) -> Result<Self, LinkError> {
        let base = reqwest::Url::parse(url.trim())
            .map_err(|_| LinkError::BadSetting("adresse du serveur illisible".into()))?;
        if base.scheme() != "https" {
            return Err(LinkError::BadSetting(
                "l’adresse du serveur doit commencer par https://".into(),
            ));
        }
        let tls = tls::client_config(fingerprint)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| LinkError::BadSetting(e.to_string()))?;
        Ok(Self {
            base,
            http,
            tls,
            token: None,
        })
    }

    /// The same client, authenticated with the station's bearer token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The hub's address.
    pub fn url(&self) -> &str {
        self.base.as_str()
    }

    /// The TLS configuration (pinned), for the signaling socket.
    pub fn tls_config(&self) -> Arc<ClientConfig> {
        self.tls.clone()
    }

    /// `wss://…/ws/signal?token=…` for a join token.
    pub fn signal_url(&self, token: &str) -> Result<String, LinkError> {
        let mut url = self
            .base
            .join("/ws/signal")
            .map_err(|e| LinkError::BadSetting(e.to_string()))?;
        url.set_scheme("wss")
            .map_err(|_| LinkError::BadSetting("schéma".into()))?;
        url.query_pairs_mut().append_pair("token", token);
        Ok(url.to_string())
    }

    /// Trades a one-time enrolment code for the station's credential.
    pub async fn enrol(&self, code: &str) -> Result<StationCredential, LinkError> {
        let body = EnrolRequest {
            code: code.trim().to_string(),
        };
        self.call(Method::POST, "/api/stations/enrol", Some(&body))
            .await
    }

    /// Asks for a GP; the hub re-runs the triage and answers with the station's room ticket.
    pub async fn request_consultation(
        &self,
        request: &ConsultationRequest,
    ) -> Result<RoomTicket, LinkError> {
        self.call(Method::POST, "/api/station/consultations", Some(request))
            .await
    }

    /// Where a requested consultation stands.
    pub async fn status(&self, id: &str) -> Result<ConsultationStatus, LinkError> {
        self.call::<(), _>(
            Method::GET,
            &format!("/api/station/consultations/{id}"),
            None,
        )
        .await
    }

    /// A fresh room ticket for this station (after a restart or a refused rejoin token).
    pub async fn ticket(&self, id: &str) -> Result<RoomTicket, LinkError> {
        self.call::<(), _>(
            Method::POST,
            &format!("/api/station/consultations/{id}/ticket"),
            None,
        )
        .await
    }

    /// The signed documents of a consultation (every version), oldest first.
    pub async fn documents(
        &self,
        id: &str,
    ) -> Result<Vec<relais_protocol::documents::SignedDocument>, LinkError> {
        self.call::<(), _>(
            Method::GET,
            &format!("/api/station/consultations/{id}/documents"),
            None,
        )
        .await
    }

    /// Withdraws a request no GP has accepted yet.
    pub async fn cancel(&self, id: &str) -> Result<(), LinkError> {
        self.call_empty(
            Method::POST,
            &format!("/api/station/consultations/{id}/cancel"),
        )
        .await
    }

    async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<reqwest::Response, LinkError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| LinkError::BadSetting(e.to_string()))?;
        let mut req = self.http.request(method, url);
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(|e| from_transport(&e))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        Err(refusal(resp).await)
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, LinkError> {
        let resp = self.send(method, path, body).await?;
        resp.json::<T>()
            .await
            .map_err(|e| LinkError::Protocol(e.to_string()))
    }

    async fn call_empty(&self, method: Method, path: &str) -> Result<(), LinkError> {
        self.send::<()>(method, path, None).await.map(|_| ())
    }
}

async fn refusal(resp: reqwest::Response) -> LinkError {
    let status = resp.status();
    match resp.json::<ApiError>().await {
        Ok(body) => LinkError::Refused(body),
        Err(_) if status == StatusCode::TOO_MANY_REQUESTS => LinkError::Refused(ApiError {
            code: "RATE_LIMITED".into(),
            message: "Trop de tentatives. Patientez quelques minutes.".into(),
        }),
        Err(_) => LinkError::Protocol(format!("HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_addresses_are_accepted() {
        let e = HubClient::new("http://127.0.0.1:8443", None).unwrap_err();
        assert_eq!(e.code(), "HUB_BAD_SETTING");
        assert!(HubClient::new("pas une adresse", None).is_err());
    }

    #[test]
    fn signal_url_is_wss_with_the_token() {
        let c = HubClient::new("https://127.0.0.1:8443/", Some(&"ab".repeat(32))).unwrap();
        assert_eq!(
            c.signal_url("t+1").unwrap(),
            "wss://127.0.0.1:8443/ws/signal?token=t%2B1"
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let c = HubClient::new("https://h.example", None)
            .unwrap()
            .with_token("secret-token");
        assert!(!format!("{c:?}").contains("secret"));
    }
}
