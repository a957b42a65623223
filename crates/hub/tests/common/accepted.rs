//! A consultation requested by a station and accepted by a GP, and the GP's signing of its
//! documents.
use relais_protocol::api::{RoomTicket, StationCredential};
use relais_protocol::documents::SignedDocument;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::TestHub;

/// A consultation accepted by a GP: the hub, the GP's client and TOTP secret, the
/// consultation id, the station.
pub struct Accepted {
    pub th: TestHub,
    pub gp: reqwest::Client,
    pub secret: String,
    pub id: String,
    pub station: StationCredential,
    pub station_token: String,
}

impl Accepted {
    /// The Pharmacie du Marché requests a consultation with `body` (see `request_body`),
    /// and Dr Martin accepts it.
    pub async fn request(th: TestHub, body: Value) -> Accepted {
        let station = th.station("Pharmacie du Marché").await;
        let res = th.request(&station, &body).await;
        assert_eq!(res.status(), StatusCode::OK);
        let ticket: RoomTicket = res.json().await.expect("ticket");
        let (gp, _, created) = th.gp("dr.martin@relais.test").await;
        assert_eq!(
            th.accept(&gp, &ticket.consultation_id).await.status(),
            StatusCode::OK
        );
        Accepted {
            gp,
            secret: created.totp_secret,
            id: ticket.consultation_id,
            station_token: ticket.join_token,
            station,
            th,
        }
    }

    /// A fresh code: the clock moves one TOTP step first.
    pub fn fresh_code(&self) -> String {
        self.th.advance(30);
        self.th.totp(&self.secret)
    }

    /// Posts a document to sign with `totp`, as `client`; the hub's answer.
    pub async fn sign_raw(
        &self,
        client: &reqwest::Client,
        kind: &str,
        content: Value,
        totp: &str,
        supersedes: Option<&str>,
    ) -> reqwest::Response {
        let mut body = json!({"kind": kind, "content": content, "totp": totp});
        if let Some(s) = supersedes {
            body["supersedes"] = json!(s);
        }
        client
            .post(
                self.th
                    .url(&format!("/api/gp/consultations/{}/documents", self.id)),
            )
            .json(&body)
            .send()
            .await
            .expect("sign")
    }

    /// Signs a document with a fresh code; it must be created.
    pub async fn sign(
        &self,
        kind: &str,
        content: Value,
        supersedes: Option<&str>,
    ) -> SignedDocument {
        let code = self.fresh_code();
        let res = self
            .sign_raw(&self.gp, kind, content, &code, supersedes)
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
        res.json().await.expect("document")
    }

    /// The consultation's documents, as the GP lists them.
    pub async fn gp_documents(&self) -> Vec<SignedDocument> {
        let res = self
            .gp
            .get(
                self.th
                    .url(&format!("/api/gp/consultations/{}/documents", self.id)),
            )
            .send()
            .await
            .expect("list");
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("documents")
    }

    /// The consultation's documents, as the station with `token` lists them.
    pub async fn station_documents(&self, token: &str) -> reqwest::Response {
        self.th
            .client()
            .get(
                self.th
                    .url(&format!("/api/station/consultations/{}/documents", self.id)),
            )
            .bearer_auth(token)
            .send()
            .await
            .expect("station list")
    }
}
