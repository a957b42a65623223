//! One assisted teleconsultation across real parts: a hub on 127.0.0.1, the station's
//! backend (relais-app, synthetic camera and tone) enrolled at it, and the GP in headless
//! Chromium on the console. Used by the end-to-end tests and the call benchmark.
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use relais_app::call::{CallState, CallStatus};
use relais_app::documents::{Document, PrintJob};
use relais_app::dto::{EnrolInput, IntakeInput, SetupInput, SiteInput, SiteKind, UserInput};
use relais_app::{CallObserver, Calls, Config, KeyStoreChoice, MediaSource, Station, SystemClock};
use relais_core::identity::{Coverage, Patient, Sex};
use relais_core::triage::{Answers, PriorityCriteria};
use relais_hub::RunningHub;
use relais_media::VideoFrame;
use relais_protocol::api::{CreatedAccount, NewAccount, Role};
use serde_json::Value;

use crate::gp::GpBrowser;
use crate::netns::NetNs;
use crate::{eventually, eventually_every, Result, PASSPHRASE};

/// The GP's e-mail.
pub const GP_EMAIL: &str = "dr.martin@relais.test";
/// The GP's password.
pub const GP_PASSWORD: &str = "mot de passe du médecin 2026";

/// Installs fake camera (frame-counter pattern) and microphone (1000 Hz) in the console.
pub const FAKE_GP_MEDIA_JS: &str = include_str!("js/fake_gp_media.js");
/// Reads the station's pattern and tone from the console's remote video (async script).
pub const READ_REMOTE_JS: &str = include_str!("js/read_remote.js");
/// Keeps the console's peer connections reachable (before it makes one).
const TRACK_PCS_JS: &str = include_str!("js/track_pcs.js");
/// The SDP of the console's last answer.
const ANSWER_SDP_JS: &str = include_str!("js/answer_sdp.js");

/// The playout-delay RTP header extension the station offers on video.
const PLAYOUT_DELAY_URI: &str = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

/// What the station's backend received, for assertions.
#[derive(Default)]
pub struct Probe {
    /// (arrival, counter, millis) of every remote frame with a readable pattern.
    pub frames: Mutex<Vec<(Instant, u16, u16)>>,
    /// Arrival of the first remote frame.
    pub first_frame: Mutex<Option<Instant>>,
    /// Last second of remote audio.
    pub audio: Mutex<VecDeque<i16>>,
    /// Remote audio samples received since the start.
    pub audio_samples: std::sync::atomic::AtomicU64,
    /// Every status published.
    pub statuses: Mutex<Vec<CallStatus>>,
    /// JPEG images produced for the webview.
    pub jpegs: Mutex<usize>,
    /// Set-up durations reported by the call (`connected`, `first_remote_video`…).
    pub timings: Mutex<Vec<(&'static str, Duration)>>,
    /// Glass-to-glass latency of each GP frame: capture time painted in it → decoded here.
    pub latencies_ms: Mutex<Vec<u32>>,
    /// The stethoscope's levels sent to the nurse's meter, with their arrival.
    pub steth_levels: Mutex<Vec<(Instant, relais_app::call::StethoscopeLevel)>>,
    /// Every stethoscope status published.
    pub steth_statuses: Mutex<Vec<relais_app::call::StethoscopeStatus>>,
}

impl CallObserver for Probe {
    fn status(&self, status: &CallStatus) {
        lock(&self.statuses).push(status.clone());
    }
    fn remote_jpeg(&self, _jpeg: Vec<u8>) {
        *lock(&self.jpegs) += 1;
    }
    fn remote_frame(&self, frame: &VideoFrame) {
        lock(&self.first_frame).get_or_insert_with(Instant::now);
        if let Some((counter, millis)) = relais_media::pattern::read(frame) {
            lock(&self.frames).push((Instant::now(), counter, millis));
            let now = (relais_media::frame::unix_millis_now() % 65_536) as u32;
            lock(&self.latencies_ms).push((now + 65_536 - u32::from(millis)) % 65_536);
        }
    }
    fn timing(&self, what: &'static str, after: Duration) {
        lock(&self.timings).push((what, after));
    }
    fn stethoscope(&self, status: &relais_app::call::StethoscopeStatus) {
        lock(&self.steth_statuses).push(status.clone());
    }
    fn stethoscope_level(&self, level: &relais_app::call::StethoscopeLevel) {
        lock(&self.steth_levels).push((Instant::now(), *level));
    }
    fn remote_audio(&self, samples: &[i16]) {
        self.audio_samples
            .fetch_add(samples.len() as u64, std::sync::atomic::Ordering::Relaxed);
        let mut audio = lock(&self.audio);
        audio.extend(samples.iter().copied());
        while audio.len() > 48_000 {
            audio.pop_front();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Probe {
    /// Level of `freq` in the last second of the GP's audio (1.0 = full-scale sine).
    pub fn tone_level(&self, freq: f32) -> f32 {
        let audio: Vec<i16> = lock(&self.audio).iter().copied().collect();
        relais_media::tone::level(&audio, freq)
    }

    /// The last frame counter read.
    pub fn last_counter(&self) -> Option<u16> {
        lock(&self.frames).last().map(|f| f.1)
    }
}

/// Options of a scenario.
#[derive(Default, Clone)]
pub struct ScenarioOptions {
    /// ICE server URLs the hub hands out (`turn:` ones get TURN REST credentials).
    pub ice_urls: Vec<String>,
    /// The TURN REST shared secret.
    pub turn_secret: Option<String>,
    /// Relay only through TURN, on both sides.
    pub relay_only: bool,
    /// Extra Chromium flags.
    pub chromium_flags: Vec<String>,
    /// Format of the station's synthetic camera (default 640x480 at 30 fps).
    pub video_format: Option<relais_media::VideoFormat>,
    /// The GP's browser in its own network namespace, reaching the hub and the station
    /// through a veth link that the test can take down ([`CallScenario::netns`]).
    pub gp_in_netns: bool,
    /// The GP in headless Firefox ESR without OpenH264 (VP8 only) instead of Chromium.
    pub firefox: bool,
}

/// A hub, an enrolled station with a requested consultation, and a GP browser on the console.
pub struct CallScenario {
    /// The hub.
    pub hub: RunningHub,
    /// The station's backend.
    pub station: Arc<Station>,
    /// The station's calls.
    pub calls: Arc<Calls>,
    /// What the station received.
    pub probe: Arc<Probe>,
    /// The GP's browser.
    pub gp: GpBrowser,
    /// The station's consultation id.
    pub consultation_id: String,
    /// The GP's TOTP secret.
    pub gp_totp_secret: String,
    /// The GP's network namespace, when [`ScenarioOptions::gp_in_netns`].
    pub netns: Option<NetNs>,
    _dir: tempfile::TempDir,
}

/// The built UI folder the hub serves the console from.
pub fn console_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/dist")
}

impl CallScenario {
    /// Sets everything up until the consultation waits for a GP.
    pub async fn prepare(options: ScenarioOptions) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let netns = if options.gp_in_netns {
            Some(NetNs::create()?)
        } else {
            None
        };
        let mut config = relais_hub::Config::for_tests(&dir.path().join("hub"));
        if let Some(ns) = &netns {
            config.listen = std::net::SocketAddr::from((ns.host_ip(), 0));
        }
        config.console_dir = Some(console_dir());
        if !options.ice_urls.is_empty() {
            config.ice_servers = vec![relais_hub::config::IceServerConfig {
                urls: options.ice_urls.clone(),
            }];
        }
        config.turn_secret = options.turn_secret.clone();
        config.relay_only = options.relay_only;
        let hub = relais_hub::start(config).await?;
        let gp = create_gp(&hub).await?;
        let (station, consultation_id) =
            enrolled_station(&dir.path().join("station"), &hub).await?;
        let probe = Arc::new(Probe::default());
        let calls = Calls::new(
            Arc::clone(&station),
            match options.video_format {
                Some(f) => MediaSource::Synthetic(f),
                None => MediaSource::synthetic(),
            },
            probe.clone(),
        );
        let flags: Vec<&str> = options.chromium_flags.iter().map(String::as_str).collect();
        let browser = if options.firefox {
            crate::firefox::launch().await?
        } else {
            GpBrowser::launch_in(netns.as_ref(), &flags).await?
        };
        Ok(Self {
            hub,
            station,
            calls,
            probe,
            gp: browser,
            consultation_id,
            gp_totp_secret: gp.totp_secret,
            netns,
            _dir: dir,
        })
    }

    /// The GP opens the console, with fake devices, and signs in.
    pub async fn gp_signs_in(&self) -> Result {
        self.gp.open(&self.hub.url()).await?;
        self.gp.eval(FAKE_GP_MEDIA_JS).await?;
        self.gp.fill("login-email", GP_EMAIL).await?;
        self.gp.fill("login-password", GP_PASSWORD).await?;
        let code = relais_hub::totp::code_now(&self.gp_totp_secret)?;
        self.gp.fill("login-totp", &code).await?;
        self.gp.click("login-submit").await?;
        self.gp.find("waiting-list").await?;
        Ok(())
    }

    /// The GP accepts the (only) waiting consultation.
    pub async fn gp_accepts(&self) -> Result {
        self.gp.find("waiting-item").await?;
        self.gp.click("accept").await?;
        Ok(())
    }

    /// The station calls, the GP signs in and accepts, and both sides say connected (the
    /// console within 30 s, then the station within 20 s): the station's status then.
    pub async fn connect(&self) -> Result<CallStatus> {
        self.calls.start(&self.consultation_id).await?;
        self.gp_signs_in().await?;
        self.gp_accepts().await?;
        self.gp
            .wait_attr("call-state", "data-state", Duration::from_secs(30), |v| {
                v == "connected"
            })
            .await?;
        self.station_state(CallState::Connected, Duration::from_secs(20))
            .await
    }

    /// Waits until the station decodes GP frames whose counter moves (more than 5 new
    /// frames, the last differing from the first): when the fifth new frame arrived.
    pub async fn station_sees_gp_moving(&self, within: Duration) -> Result<Instant> {
        let start = lock(&self.probe.frames).len();
        eventually_every(
            "GP frames moving at the station",
            within,
            Duration::from_millis(20),
            async || {
                let frames = lock(&self.probe.frames);
                (frames.len() > start + 5 && frames[frames.len() - 1].1 != frames[start].1)
                    .then(|| frames[start + 5].0)
            },
        )
        .await
    }

    /// Waits until two readings of the station's picture in the console, 100 ms apart,
    /// give different frame counters: when.
    pub async fn console_sees_station_moving(&self, within: Duration) -> Result<Instant> {
        let mut last = None;
        eventually(
            "station picture moving in the console",
            within,
            async || {
                let now = self
                    .gp_reads_remote()
                    .await
                    .ok()
                    .and_then(|v| v["counter"].as_u64());
                let moved = now.is_some() && last.is_some() && now != last;
                last = now;
                moved.then(Instant::now)
            },
        )
        .await
    }

    /// Waits until the console hears the station's 440 Hz tone 25 dB above 2500 Hz: both
    /// levels (dB); the error says what was read last.
    pub async fn gp_hears_station(&self, within: Duration) -> Result<(f64, f64)> {
        let mut last = None;
        let heard = eventually("station tone in the console", within, async || {
            let v = self.gp_reads_remote().await.ok()?;
            let levels = (v["toneDb"].as_f64(), v["otherDb"].as_f64());
            last = Some(v);
            let (tone, other) = (levels.0?, levels.1?);
            (tone > other + 25.0).then_some((tone, other))
        })
        .await;
        heard.map_err(|e| format!("{e}; last read {last:?}").into())
    }

    /// Waits until the station has decoded more than 10 GP frames with a moving counter:
    /// the first and last counters.
    pub async fn station_decodes_gp(&self, within: Duration) -> Result<(u16, u16)> {
        eventually("GP video at the station", within, async || {
            let frames = lock(&self.probe.frames);
            let (first, last) = (frames.first()?.1, frames.last()?.1);
            (frames.len() > 10 && last != first).then_some((first, last))
        })
        .await
    }

    /// Waits until the station hears the GP's 1000 Hz tone (level above 0.05, ten times the
    /// 440 Hz level): both levels.
    pub async fn station_hears_gp(&self, within: Duration) -> Result<(f32, f32)> {
        eventually("GP tone at the station", within, async || {
            let on = self.probe.tone_level(1000.0);
            let off = self.probe.tone_level(440.0);
            (on > 0.05 && on > 10.0 * off).then_some((on, off))
        })
        .await
    }

    /// The GP's voice as the station plays it during `window`: the share of the window's
    /// duration it fills (1.0: unbroken), and the 1 kHz tone's level over its last second.
    pub async fn station_voice_over(&self, window: Duration) -> (f64, f32) {
        use std::sync::atomic::Ordering;
        let before = self.probe.audio_samples.load(Ordering::Relaxed);
        let start = Instant::now();
        tokio::time::sleep(window).await;
        let samples = self.probe.audio_samples.load(Ordering::Relaxed) - before;
        let filled = samples as f64 / (start.elapsed().as_secs_f64() * 48_000.0);
        (filled, self.probe.tone_level(1000.0))
    }

    /// Sends a reading typed by hand (38.4 °C) on the data channel and waits until the
    /// console's readings panel shows it: the panel's text.
    pub async fn reading_reaches_console(&self) -> Result<String> {
        let reading = serde_json::json!({
            "type": "reading",
            "reading": { "kind": "temperature", "celsius": 38.4 },
            "takenAt": chrono::Utc::now(),
            "source": "manual"
        });
        self.calls.send_data(reading.to_string()).await?;
        eventually(
            "reading in the console",
            Duration::from_secs(10),
            async || {
                let text = self.gp.text("readings").await.ok()?;
                text.contains("38,4").then_some(text)
            },
        )
        .await
    }

    /// Checks that a cut of the media and its recovery are in the call's journal, stored in
    /// the station's record, and that the hub's audit has the cut.
    pub async fn incident_recorded(&self) -> Result {
        let status = self.calls.status().ok_or("no call at the station")?;
        let kinds: Vec<&str> = status.events.iter().map(|e| e.kind.as_str()).collect();
        if !(kinds.contains(&"MEDIA_DISCONNECTED") && kinds.contains(&"RECOVERED")) {
            return Err(format!("no cut and recovery in the journal: {kinds:?}").into());
        }
        eventually(
            "the cut and its recovery in the station's record",
            Duration::from_secs(5),
            async || {
                let stored = self.station.call_journal(&self.consultation_id).ok()?;
                let has = |kind: &str| stored.iter().any(|e| e.kind == kind);
                (has("MEDIA_DISCONNECTED") && has("RECOVERED")).then_some(())
            },
        )
        .await?;
        let audit = self.hub.admin().audit().await?;
        if !audit
            .iter()
            .any(|e| e.detail.contains("MEDIA_DISCONNECTED"))
        {
            return Err("hub audit has no incident".into());
        }
        Ok(())
    }

    /// Waits for the station's call state.
    pub async fn station_state(&self, state: CallState, within: Duration) -> Result<CallStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(s) = self.calls.status() {
                if s.state == state {
                    return Ok(s);
                }
                if s.state.is_over() && !state.is_over() {
                    return Err(
                        format!("station call over while waiting for {state:?}: {s:?}").into(),
                    );
                }
            }
            if Instant::now() > deadline {
                return Err(
                    format!("station never reached {state:?}: {:?}", self.calls.status()).into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the signed document `id` is stored at the station (live on the data
    /// channel, or fetched from the hub); the document and how long it took.
    pub async fn station_receives_document(&self, id: &str) -> Result<(Document, Duration)> {
        let since = Instant::now();
        let doc = eventually(
            "the signed document at the station",
            Duration::from_secs(20),
            async || {
                let docs = self.station.documents(&self.consultation_id).ok()?;
                docs.into_iter().find(|d| d.id == id)
            },
        )
        .await?;
        Ok((doc, since.elapsed()))
    }

    /// Prints document `id` on the station's default printer and follows the job until it is
    /// no longer printing (done or failed).
    pub async fn print_to_the_end(&self, id: &str) -> Result<PrintJob> {
        let job = self.station.print_document(id, None)?;
        eventually("the print job done", Duration::from_secs(60), async || {
            let now = self.station.print_status(&job.id).ok()?;
            (now.state != "printing").then_some(now)
        })
        .await
    }

    /// Reads the station's pattern and tone in the console.
    pub async fn gp_reads_remote(&self) -> Result<Value> {
        self.gp.eval_async(READ_REMOTE_JS).await
    }

    /// Keeps the console's next peer connections reachable by the steps below.
    pub async fn gp_tracks_peer_connections(&self) -> Result {
        self.gp.eval(TRACK_PCS_JS).await.map(drop)
    }

    /// The SDP of the console's last answer, as its browser holds it.
    async fn gp_answer_sdp(&self) -> Result<String> {
        let v = self.gp.eval(ANSWER_SDP_JS).await?;
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("the console has no answer: {v}").into())
    }

    /// Checks that the console answered the station's `setup:active` offer as the DTLS
    /// server (`a=setup:passive` in every media section).
    pub async fn gp_answered_as_dtls_server(&self) -> Result {
        let sdp = self.gp_answer_sdp().await?;
        let roles: Vec<&str> = sdp
            .lines()
            .filter_map(|l| l.trim_end().strip_prefix("a=setup:"))
            .collect();
        if roles.is_empty() || roles.iter().any(|r| *r != "passive") {
            return Err(format!("the console's answer has a=setup {roles:?}, not passive").into());
        }
        Ok(())
    }

    /// The console's answer kept the playout-delay extension on video, so the station's
    /// "render as soon as decoded" reaches Chromium (relais_rtc's `playout_delay`).
    pub async fn gp_accepted_playout_delay(&self) -> Result {
        let sdp = self.gp_answer_sdp().await?;
        // The URIs of the `a=extmap:<id>[/<direction>] <uri>` lines of the video section.
        let uris: Vec<&str> = sdp
            .split("\nm=")
            .filter(|section| section.starts_with("video"))
            .flat_map(str::lines)
            .filter_map(|l| l.trim_end().strip_prefix("a=extmap:"))
            .filter_map(|rest| rest.split_whitespace().nth(1))
            .collect();
        if !uris.contains(&PLAYOUT_DELAY_URI) {
            return Err(format!(
                "the console's video answer has the extensions {uris:?}, not playout-delay"
            )
            .into());
        }
        Ok(())
    }
}

/// The nurse's (the station manager's) user name.
pub const NURSE_USERNAME: &str = "ines";
/// The nurse's password.
pub const NURSE_PASSWORD: &str = "mot de passe de la pharmacienne";

/// The station's configuration on `data_dir` (key from [`PASSPHRASE`], no hub yet).
pub fn station_config(data_dir: &Path) -> Config {
    Config {
        data_dir: data_dir.to_path_buf(),
        key_store: KeyStoreChoice::Passphrase,
        lock_after_seconds: 3600,
        hub_url: None,
        hub_fingerprint: None,
    }
}

/// The station's backend on `data_dir`, record unlocked, set up as the Pharmacie du Marché
/// with its manager ([`NURSE_USERNAME`]), enrolled at `hub`, with a consultation of Paul
/// Durand requesting a GP: the station and the consultation's id.
pub async fn enrolled_station(data_dir: &Path, hub: &RunningHub) -> Result<(Arc<Station>, String)> {
    let code = hub
        .admin()
        .create_enrolment_code("Pharmacie du Marché")
        .await?;
    let station = Arc::new(Station::start(
        station_config(data_dir),
        Box::new(SystemClock),
    ));
    station.unlock_storage(PASSPHRASE)?;
    station.setup_site(SetupInput {
        site: SiteInput {
            kind: SiteKind::Pharmacie,
            name: "Pharmacie du Marché".into(),
            commune: "Chartres".into(),
            address: None,
        },
        user: UserInput {
            username: NURSE_USERNAME.into(),
            display_name: "Inès Martin".into(),
            profession: "Pharmacienne".into(),
            rpps: None,
            password: NURSE_PASSWORD.into(),
        },
    })?;
    station
        .enrol(EnrolInput {
            url: hub.url(),
            fingerprint: Some(hub.fingerprint().to_string()),
            code: code.code,
        })
        .await?;
    let consultation_id = requested_consultation(
        &station,
        ("Durand", "Paul", Sex::M),
        NaiveDate::from_ymd_opt(1950, 3, 14).ok_or("date")?,
        "Toux grasse et fièvre depuis trois jours",
    )?;
    Ok((station, consultation_id))
}

/// The GP's account at the hub (Dr Claire Martin, [`GP_EMAIL`], [`GP_PASSWORD`]), with
/// its TOTP secret.
pub async fn create_gp(hub: &RunningHub) -> Result<CreatedAccount> {
    Ok(hub
        .admin()
        .create_account(NewAccount {
            email: GP_EMAIL.into(),
            name: "Dr Claire Martin".into(),
            rpps: Some("10100345676".into()),
            password: GP_PASSWORD.into(),
            role: Role::Gp,
            profile: Some(relais_hub::demo::demo_gp_profile()),
        })
        .await?)
}

/// Creates a patient (`(family name, given names, sex)`) and an accepted intake at the
/// station, and requests a GP: the consultation's id (not yet sent to the hub).
pub fn requested_consultation(
    station: &Station,
    (family_name, given_names, sex): (&str, &str, Sex),
    birth_date: NaiveDate,
    complaint: &str,
) -> Result<String> {
    let patient = station.create_patient(&Patient {
        family_name: family_name.into(),
        used_name: None,
        given_names: given_names.into(),
        sex,
        birth_date,
        birth_place_code: None,
        nir: None,
        phone: "06 12 34 56 78".into(),
        address: None,
        postal_code: Some("28000".into()),
        commune: "Chartres".into(),
        treating_doctor: None,
        coverage: Coverage::default(),
        weight_kg: None,
    })?;
    let consultation = station.submit_intake(&IntakeInput {
        patient_id: patient.id.clone(),
        complaint: complaint.into(),
        answers: Answers {
            abdominal_pain: Some(false),
            technical_gesture: Some(false),
            emergency_signs: Some(false),
        },
        priority: PriorityCriteria::default(),
        consent: true,
    })?;
    station.request_consultation(&consultation.id)?;
    Ok(consultation.id)
}
