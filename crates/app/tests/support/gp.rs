//! A real hub on 127.0.0.1 with a GP account, a station enrolled at it with a requested
//! consultation, and the GP's side of the call in Rust: signed in with TOTP over HTTPS,
//! joined over WSS, and a webrtc-rs answerer (`relais_rtc::Session`, as in the rtc
//! loopback tests) that sends a 1000 Hz voice and keeps what it hears.
#![allow(clippy::unwrap_used, dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::NaiveDate;
use futures_util::{SinkExt, StreamExt};
use relais_app::dto::{EnrolInput, IntakeInput};
use relais_app::Station;
use relais_core::identity::{Coverage, Patient, Sex};
use relais_core::triage::{Answers, PriorityCriteria};
use relais_hub::RunningHub;
use relais_media::{AudioSink, MediaError, MemorySink, SyntheticVideo, ToneSource};
use relais_protocol::api::{NewAccount, Role as AccountRole, RoomTicket};
use relais_protocol::signal::{encode, parse, Signal};
use relais_rtc::{CallState, LocalMedia, Role, Session, SessionEvent, SessionOptions};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::Connector;

/// The GP's e-mail and password.
const GP_EMAIL: &str = "dr.martin@relais.test";
const GP_PASSWORD: &str = "mot de passe du médecin 2026";
/// Pitch of the GP's voice.
pub const GP_TONE_HZ: f32 = 1000.0;

/// The hub and its GP account.
pub struct Hub {
    pub hub: RunningHub,
    totp_secret: String,
    _dir: tempfile::TempDir,
}

impl Hub {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let hub = relais_hub::start(relais_hub::Config::for_tests(dir.path()))
            .await
            .unwrap();
        let gp = hub
            .admin()
            .create_account(NewAccount {
                email: GP_EMAIL.into(),
                name: "Dr Claire Martin".into(),
                rpps: Some("10100345676".into()),
                password: GP_PASSWORD.into(),
                role: AccountRole::Gp,
                profile: Some(relais_hub::demo::demo_gp_profile()),
            })
            .await
            .unwrap();
        Self {
            hub,
            totp_secret: gp.totp_secret,
            _dir: dir,
        }
    }

    /// Enrols `station` at the hub.
    pub async fn enrol(&self, station: &Station) {
        let code = self
            .hub
            .admin()
            .create_enrolment_code("Pharmacie du Parvis")
            .await
            .unwrap();
        station
            .enrol(EnrolInput {
                url: self.hub.url(),
                fingerprint: Some(self.hub.fingerprint().to_string()),
                code: code.code,
            })
            .await
            .unwrap();
    }

    fn tls(&self) -> rustls::ClientConfig {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(
                self.hub.cert_der().to_vec(),
            ))
            .unwrap();
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
    }

    /// The GP signs in, accepts hub consultation `hub_id` and joins its call.
    pub async fn gp_joins(&self, hub_id: &str) -> Gp {
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(self.tls())
            .cookie_store(true)
            .build()
            .unwrap();
        let res = client
            .post(format!("{}/api/login", self.hub.url()))
            .json(&serde_json::json!({
                "email": GP_EMAIL,
                "password": GP_PASSWORD,
                "totp": relais_hub::totp::code_now(&self.totp_secret).unwrap(),
            }))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "login: {}", res.status());
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("relais_session="))
            .and_then(|v| v.split(';').next())
            .unwrap()
            .to_string();
        let res = client
            .post(format!(
                "{}/api/consultations/{hub_id}/accept",
                self.hub.url()
            ))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "accept: {}", res.status());
        let ticket: RoomTicket = res.json().await.unwrap();
        let mut req = self
            .hub
            .signal_url(&ticket.join_token)
            .into_client_request()
            .unwrap();
        req.headers_mut().insert(
            "cookie",
            HeaderValue::from_str(&format!("relais_session={cookie}")).unwrap(),
        );
        let connector = Connector::Rustls(Arc::new(self.tls()));
        let (ws, _) =
            tokio_tungstenite::connect_async_tls_with_config(req, None, false, Some(connector))
                .await
                .unwrap();
        Gp::start(ws).await
    }
}

/// A memory sink that also counts what it got.
struct Counting {
    sink: MemorySink,
    total: Arc<AtomicUsize>,
}

impl AudioSink for Counting {
    fn play(&mut self, samples: &[i16]) -> Result<(), MediaError> {
        self.total.fetch_add(samples.len(), Ordering::Relaxed);
        self.sink.play(samples)
    }
}

/// The GP's side of the call.
pub struct Gp {
    pub session: Session,
    /// What the GP hears (the station's voice), the last 2 s.
    pub heard: MemorySink,
    /// Samples heard in all.
    pub heard_total: Arc<AtomicUsize>,
    /// Offers received from the station (one per negotiation).
    pub offers: Arc<AtomicUsize>,
    pub states: Arc<std::sync::Mutex<Vec<CallState>>>,
}

impl Gp {
    async fn start(
        ws: tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    ) -> Self {
        let (inbox, signals_in) = mpsc::channel::<Signal>(256);
        let (signals_out, mut outbox) = mpsc::channel::<Signal>(256);
        let heard = MemorySink::new(2);
        let heard_total = Arc::new(AtomicUsize::new(0));
        let media = LocalMedia {
            video: Some(Box::new(SyntheticVideo::new(320, 240, 15).unwrap())),
            audio: Some(Box::new(ToneSource::new(GP_TONE_HZ, 0.5))),
            speaker: Some(Box::new(Counting {
                sink: heard.clone(),
                total: Arc::clone(&heard_total),
            })),
        };
        let (session, mut events) = Session::start(
            SessionOptions::new(Role::Answerer),
            media,
            signals_in,
            signals_out,
        )
        .await
        .unwrap();
        let offers = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&offers);
        let (mut sink, mut stream) = ws.split();
        tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(signal) = parse(text.as_str()) else {
                    continue;
                };
                if matches!(signal, Signal::Offer { .. }) {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
                if inbox.send(signal).await.is_err() {
                    break;
                }
            }
        });
        tokio::spawn(async move {
            while let Some(signal) = outbox.recv().await {
                if sink.send(Message::text(encode(&signal))).await.is_err() {
                    break;
                }
            }
        });
        let states = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = Arc::clone(&states);
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                if let SessionEvent::State(s) = event {
                    seen.lock().unwrap().push(s);
                }
            }
        });
        Self {
            session,
            heard,
            heard_total,
            offers,
            states,
        }
    }

    pub fn offers(&self) -> usize {
        self.offers.load(Ordering::Relaxed)
    }

    pub fn connected(&self) -> bool {
        self.states.lock().unwrap().last() == Some(&CallState::Connected)
    }
}

/// A patient and an accepted intake at `station`, sent for a GP: the consultation's id.
pub fn requested_consultation(station: &Station) -> String {
    let patient = station
        .create_patient(&Patient {
            family_name: "Durand".into(),
            used_name: None,
            given_names: "Paul".into(),
            sex: Sex::M,
            birth_date: NaiveDate::from_ymd_opt(1950, 3, 14).unwrap(),
            birth_place_code: None,
            nir: None,
            phone: "06 12 34 56 78".into(),
            address: None,
            postal_code: Some("28000".into()),
            commune: "Chartres".into(),
            treating_doctor: None,
            coverage: Coverage::default(),
            weight_kg: None,
        })
        .unwrap();
    let consultation = station
        .submit_intake(&IntakeInput {
            patient_id: patient.id.clone(),
            complaint: "Toux grasse et fièvre depuis trois jours".into(),
            answers: Answers {
                abdominal_pain: Some(false),
                technical_gesture: Some(false),
                emergency_signs: Some(false),
            },
            priority: PriorityCriteria::default(),
            consent: true,
        })
        .unwrap();
    station.request_consultation(&consultation.id).unwrap();
    consultation.id
}
