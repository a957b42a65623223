//! A real hub on 127.0.0.1:0 with a manual clock, HTTPS and WSS clients trusting its
//! self-signed certificate, and helpers for the usual steps.
#![allow(dead_code)]

pub mod accepted;

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use futures_util::{SinkExt, StreamExt};
use relais_hub::{start, Config, ManualClock, RunningHub};
use relais_protocol::api::{
    ApiError, CreatedAccount, NewAccount, Role, RoomTicket, StationCredential,
};
use relais_protocol::signal::{encode, parse, Signal};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

pub const PASSWORD: &str = "mot-de-passe-solide";

pub struct TestHub {
    pub hub: RunningHub,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
}

/// A hub with a manual clock standing at the machine's time.
pub async fn hub() -> TestHub {
    hub_with(|_| {}).await
}

/// A hub whose test configuration is adjusted by `f`.
pub async fn hub_with(f: impl FnOnce(&mut Config)) -> TestHub {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let mut config = Config::for_tests(dir.path());
    config.clock = Some(clock.clone());
    f(&mut config);
    let hub = start(config).await.expect("start");
    TestHub { hub, clock, dir }
}

impl TestHub {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.hub.url())
    }

    pub fn tls(&self) -> rustls::ClientConfig {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(
                self.hub.cert_der().to_vec(),
            ))
            .expect("root");
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
    }

    /// An HTTPS client trusting the hub's certificate, with a cookie store.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .use_preconfigured_tls(self.tls())
            .cookie_store(true)
            .build()
            .expect("client")
    }

    pub fn now(&self) -> chrono::DateTime<Utc> {
        relais_hub::Clock::now(&*self.clock)
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance(chrono::Duration::seconds(secs));
    }

    pub fn totp(&self, secret: &str) -> String {
        relais_hub::totp::code_at(secret, self.now()).expect("totp")
    }

    pub async fn account(&self, email: &str, role: Role) -> CreatedAccount {
        self.hub
            .admin()
            .create_account(NewAccount {
                email: email.into(),
                name: format!("Compte {email}"),
                rpps: (role == Role::Gp).then(|| "10100345676".into()),
                password: PASSWORD.into(),
                role,
                profile: (role == Role::Gp).then(relais_hub::demo::demo_gp_profile),
            })
            .await
            .expect("account")
    }

    /// Signs in (moving the clock one TOTP step first, so codes never collide).
    pub async fn login(
        &self,
        client: &reqwest::Client,
        email: &str,
        secret: &str,
    ) -> reqwest::Response {
        self.advance(30);
        client
            .post(self.url("/api/login"))
            .json(&json!({"email": email, "password": PASSWORD, "totp": self.totp(secret)}))
            .send()
            .await
            .expect("login")
    }

    /// A signed-in GP: its client and the value of its session cookie.
    pub async fn gp(&self, email: &str) -> (reqwest::Client, String, CreatedAccount) {
        let created = self.account(email, Role::Gp).await;
        let client = self.client();
        let res = self.login(&client, email, &created.totp_secret).await;
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = session_cookie(&res);
        (client, cookie, created)
    }

    /// A signed-in coordinator's client.
    pub async fn coordinator(&self, email: &str) -> reqwest::Client {
        let created = self.account(email, Role::Coordinator).await;
        let client = self.client();
        let res = self.login(&client, email, &created.totp_secret).await;
        assert_eq!(res.status(), StatusCode::OK);
        client
    }

    /// An enrolled station.
    pub async fn station(&self, name: &str) -> StationCredential {
        let code = self
            .hub
            .admin()
            .create_enrolment_code(name)
            .await
            .expect("code");
        let res = self
            .client()
            .post(self.url("/api/stations/enrol"))
            .json(&json!({"code": code.code}))
            .send()
            .await
            .expect("enrol");
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("credential")
    }

    pub async fn request(&self, station: &StationCredential, body: &Value) -> reqwest::Response {
        self.client()
            .post(self.url("/api/station/consultations"))
            .bearer_auth(&station.token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A waiting consultation and the station's ticket.
    pub async fn consultation(&self, station: &StationCredential, local_id: &str) -> RoomTicket {
        let res = self
            .request(station, &request_body(local_id, &ok_intake(self)))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
        res.json().await.expect("ticket")
    }

    pub async fn accept(&self, gp: &reqwest::Client, id: &str) -> reqwest::Response {
        gp.post(self.url(&format!("/api/consultations/{id}/accept")))
            .send()
            .await
            .expect("accept")
    }

    /// Opens a signaling socket with the join token and, for a GP, its session cookie.
    pub async fn connect(
        &self,
        token: &str,
        cookie: Option<&str>,
    ) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
        let mut req = self
            .hub
            .signal_url(token)
            .into_client_request()
            .expect("req");
        if let Some(c) = cookie {
            req.headers_mut().insert(
                "cookie",
                HeaderValue::from_str(&format!("relais_session={c}")).expect("cookie"),
            );
        }
        let connector = Connector::Rustls(Arc::new(self.tls()));
        tokio_tungstenite::connect_async_tls_with_config(req, None, false, Some(connector))
            .await
            .map(|(ws, _)| ws)
    }

    /// A refused upgrade: its status and error code.
    pub async fn refused(&self, token: &str, cookie: Option<&str>) -> (u16, String) {
        match self.connect(token, cookie).await {
            Ok(_) => panic!("upgrade accepted"),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
                let body: ApiError =
                    serde_json::from_slice(res.body().as_deref().unwrap_or_default())
                        .expect("error body");
                (res.status().as_u16(), body.code)
            }
            Err(e) => panic!("unexpected error {e}"),
        }
    }
}

pub fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("relais_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string()
}

pub async fn error_code(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let body: ApiError = res.json().await.expect("error body");
    assert!(!body.message.is_empty());
    (status, body.code)
}

pub fn birth_years_ago(th: &TestHub, years: i32) -> NaiveDate {
    let today = th.now().date_naive();
    NaiveDate::from_ymd_opt(today.year_ce().1 as i32 - years, 1, 1).expect("date")
}

use chrono::Datelike;

pub fn intake(birth: NaiveDate, complaint: &str, abdominal: bool, priority: bool) -> Value {
    json!({
        "birthDate": birth,
        "complaint": complaint,
        "answers": {"abdominalPain": abdominal, "technicalGesture": false, "emergencySigns": false},
        "priority": {"noTreatingDoctor": priority}
    })
}

pub fn ok_intake(th: &TestHub) -> Value {
    intake(
        birth_years_ago(th, 40),
        "toux depuis trois jours",
        false,
        false,
    )
}

pub fn request_body(local_id: &str, intake: &Value) -> Value {
    json!({
        "localId": local_id,
        "patient": {"familyName": "Durand", "givenNames": "Paul", "sex": "M", "birthDate": intake["birthDate"]},
        "intake": intake
    })
}

pub async fn send(ws: &mut Ws, s: &Signal) {
    ws.send(Message::Text(encode(s).into()))
        .await
        .expect("send");
}

/// The next signaling message (5 s at most); panics on close.
pub async fn recv(ws: &mut Ws) -> Signal {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("timely message")
            .expect("open")
            .expect("frame");
        match m {
            Message::Text(t) => return parse(t.as_str()).expect("signal"),
            Message::Close(c) => panic!("closed: {c:?}"),
            _ => {}
        }
    }
}

/// Reads until the close frame; returns its code (and the messages seen before).
pub async fn closed(ws: &mut Ws) -> (Option<u16>, Vec<Signal>) {
    let mut seen = Vec::new();
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("timely close");
        match m {
            None | Some(Err(_)) => return (None, seen),
            Some(Ok(Message::Close(c))) => return (c.map(|c| u16::from(c.code)), seen),
            Some(Ok(Message::Text(t))) => seen.push(parse(t.as_str()).expect("signal")),
            Some(Ok(_)) => {}
        }
    }
}
