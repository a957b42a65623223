//! The GP's browser: headless Chromium with fake camera and microphone, driven through
//! chromedriver, on the console served by a real hub.
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::process::{Child, Command};

use crate::netns::NetNs;
use crate::{free_port, wait_for_driver, Result, WAIT};

/// Chromium's flags for a GP in tests (PLATFORM.md): headless, fake media devices, no
/// background traffic to the closed network.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--allow-loopback-in-peer-connection",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
];

/// One headless Chromium with its chromedriver and a fresh profile.
pub struct GpBrowser {
    driver: Child,
    profile: tempfile::TempDir,
    /// The WebDriver session.
    pub client: Client,
}

impl GpBrowser {
    /// Starts chromedriver and a Chromium session; `extra_flags` are added to `FLAGS`.
    pub async fn launch(extra_flags: &[&str]) -> Result<Self> {
        Self::launch_in(None, extra_flags).await
    }

    /// Like [`GpBrowser::launch`], with the browser (and its driver) inside a network
    /// namespace when one is given: its traffic then crosses the namespace's link.
    pub async fn launch_in(netns: Option<&NetNs>, extra_flags: &[&str]) -> Result<Self> {
        let profile = tempfile::tempdir()?;
        let port = free_port()?;
        let home = profile.path().join("home");
        std::fs::create_dir_all(&home)?;
        let (mut command, url) = match netns {
            Some(ns) => {
                let mut c = ns.command(&chromedriver());
                // The test talks to the driver from outside the namespace.
                c.arg(format!("--allowed-ips={}", ns.host_ip()));
                c.arg("--allowed-origins=*");
                (c, format!("http://{}:{port}", ns.guest_ip()))
            }
            None => (
                Command::new(chromedriver()),
                format!("http://127.0.0.1:{port}"),
            ),
        };
        let driver = command
            .arg(format!("--port={port}"))
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        wait_for_driver(&url).await?;
        let mut args: Vec<String> = FLAGS.iter().map(|s| s.to_string()).collect();
        args.extend(extra_flags.iter().map(|s| s.to_string()));
        args.push(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ));
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        // The hub's self-signed certificate: the GP's browser would show a warning page.
        caps.insert("acceptInsecureCerts".into(), json!(true));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium(), "args": args }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&url)
            .await?;
        Ok(Self {
            driver,
            profile,
            client,
        })
    }

    /// Wraps a browser started elsewhere (Firefox: [`crate::firefox::launch`]).
    pub(crate) fn from_parts(driver: Child, profile: tempfile::TempDir, client: Client) -> Self {
        Self {
            driver,
            profile,
            client,
        }
    }

    /// The profile folder (downloads, logs).
    pub fn profile_dir(&self) -> PathBuf {
        self.profile.path().to_path_buf()
    }

    /// Opens a page.
    pub async fn open(&self, url: &str) -> Result {
        // A link that has just come up (a fresh veth pair) can fail the first load, and
        // Chromium then shows its own error page: load again until it is the console's.
        for _ in 0..10 {
            // The error page's own address is chrome-error://…, whatever was asked for.
            let loaded = match self.client.goto(url).await {
                Ok(()) => self.eval("return location.href").await?,
                Err(e) => serde_json::Value::String(e.to_string()),
            };
            if loaded.as_str().is_some_and(|h| h.starts_with("https:")) {
                return Ok(());
            }
            eprintln!("[console] {url} not loaded ({loaded}), again");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(format!("the console at {url} did not load").into())
    }

    /// Waits for the element with this `data-testid`.
    pub async fn find(&self, testid: &str) -> Result<Element> {
        eprintln!("[console] {testid}");
        let css = format!("[data-testid=\"{testid}\"]");
        Ok(self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&css))
            .await
            .map_err(|e| format!("console: element {testid} not found: {e}"))?)
    }

    /// Types into a field (after clearing it).
    pub async fn fill(&self, testid: &str, text: &str) -> Result {
        let el = self.find(testid).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        el.clear().await?;
        el.send_keys(text).await?;
        Ok(())
    }

    /// Clicks an element.
    pub async fn click(&self, testid: &str) -> Result {
        self.find(testid).await?.click().await?;
        Ok(())
    }

    /// The visible text of an element.
    pub async fn text(&self, testid: &str) -> Result<String> {
        Ok(self.find(testid).await?.text().await?)
    }

    /// Waits until an element's attribute satisfies `ok`; returns its value.
    pub async fn wait_attr(
        &self,
        testid: &str,
        attr: &str,
        within: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = tokio::time::Instant::now() + within;
        let mut last = None;
        loop {
            if let Ok(el) = self.find(testid).await {
                // The element may be replaced between finding and reading it (the console
                // re-renders lists): a stale reference is read again on the next turn.
                if let Ok(value) = el.attr(attr).await {
                    last = value;
                }
                if let Some(v) = &last {
                    if ok(v) {
                        return Ok(v.clone());
                    }
                }
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("console: {testid}[{attr}] still {last:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs a script in the page (`return …` for a value).
    pub async fn eval(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Runs an async script in the page: the last argument is the callback.
    pub async fn eval_async(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute_async(script, vec![]).await?)
    }

    /// Saves a screenshot into `$RELAIS_E2E_SCREENSHOTS` when set.
    pub async fn screenshot(&self, name: &str) -> Result {
        crate::save_screenshot(&self.client, name).await
    }

    /// Closes the browser, then its driver (on drop).
    pub async fn quit(self) -> Result {
        self.client.clone().close().await?;
        Ok(())
    }
}

impl Drop for GpBrowser {
    fn drop(&mut self) {
        crate::stop_tree(&mut self.driver);
    }
}

fn chromium() -> String {
    std::env::var("RELAIS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver() -> String {
    std::env::var("RELAIS_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// One prescription line as the GP types it in the console's "Ordonnance" editor.
#[derive(Debug, Clone, Default)]
pub struct RxLine<'a> {
    /// Drug, name or INN.
    pub drug: &'a str,
    /// Dosage.
    pub dosage: &'a str,
    /// Duration of treatment.
    pub duration: Option<&'a str>,
    /// Quantity to dispense.
    pub quantity: Option<&'a str>,
    /// Renewals.
    pub renewals: u32,
    /// In relation to the patient's ALD.
    pub ald: bool,
    /// "Non substituable".
    pub non_substitutable: bool,
}

/// A sick note as the GP fills the console's "Arrêt de travail" editor (the first day is
/// left as the editor proposes it: today).
#[derive(Debug, Clone)]
pub struct SickNoteInput<'a> {
    /// Number of days off work.
    pub days: u32,
    /// Ticks "Je suis le médecin traitant de ce patient".
    pub treating_gp: bool,
    /// Medical reason (motif médical).
    pub reason: &'a str,
    /// `notAllowed`, `allowed` or `allowedAnyTime`.
    pub exits: &'a str,
    /// Justification of exits at any time (with `allowedAnyTime`).
    pub exits_justification: &'a str,
    /// Notes.
    pub notes: &'a str,
}

/// A field the console marks invalid: its JSON path and the message shown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field (`days`).
    pub field: String,
    /// The French message shown.
    pub message: String,
}

/// A document signed through the console, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSigned {
    /// Document id at the hub.
    pub id: String,
    /// Version (1, then 2 for a correction…).
    pub version: u32,
    /// Hex SHA-256 of the document's content (`relais_protocol::documents::content_sha256`).
    pub sha256: String,
}

impl GpBrowser {
    /// Waits for the element matching `css`.
    async fn find_css(&self, css: &str) -> Result<Element> {
        Ok(self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("console: element {css} not found: {e}"))?)
    }

    /// Types into the document field bound to `path` (e.g. `lines[0].dosage`).
    async fn fill_field(&self, path: &str, text: &str) -> Result {
        let el = self.find_css(&format!("[data-field=\"{path}\"]")).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        el.clear().await?;
        el.send_keys(text).await?;
        Ok(())
    }

    /// Ticks (or unticks) the document checkbox bound to `path`.
    async fn tick_field(&self, path: &str, on: bool) -> Result {
        let el = self.find_css(&format!("[data-field=\"{path}\"]")).await?;
        let checked = el.prop("checked").await?.as_deref() == Some("true");
        if checked != on {
            self.client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center'});",
                    vec![serde_json::to_value(&el)?],
                )
                .await?;
            el.click().await?;
        }
        Ok(())
    }

    /// In the call screen, opens the "Ordonnance" (`prescription`), "Compte rendu"
    /// (`report`), "Arrêt de travail" (`sickNote`) or "Appel" (`call`) tab.
    pub async fn open_documents_tab(&self, tab: &str) -> Result {
        self.click(&format!("tab-{tab}")).await?;
        self.find(&format!("tabpanel-{tab}")).await?;
        Ok(())
    }

    /// Writes a prescription in the open "Ordonnance" editor: its lines (added with
    /// "Ajouter une ligne"), the instructions, and a child's weight when asked.
    pub async fn write_prescription(
        &self,
        lines: &[RxLine<'_>],
        notes: &str,
        weight_kg: Option<&str>,
    ) -> Result {
        self.find("rx-editor").await?;
        if let Some(w) = weight_kg {
            self.fill_field("patient.weightKg", w).await?;
        }
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.click("rx-add-line").await?;
            }
            let p = format!("lines[{i}]");
            self.fill_field(&format!("{p}.drug"), line.drug).await?;
            self.fill_field(&format!("{p}.dosage"), line.dosage).await?;
            self.fill_field(&format!("{p}.duration"), line.duration.unwrap_or(""))
                .await?;
            self.fill_field(&format!("{p}.quantity"), line.quantity.unwrap_or(""))
                .await?;
            self.fill_field(&format!("{p}.renewals"), &line.renewals.to_string())
                .await?;
            self.tick_field(&format!("{p}.nonSubstitutable"), line.non_substitutable)
                .await?;
            self.tick_field(&format!("{p}.ald"), line.ald).await?;
        }
        self.fill("rx-notes", notes).await?;
        Ok(())
    }

    /// Writes the report's own fields in the open "Compte rendu" editor (the reason, the
    /// readings, the acts and the incidents come pre-filled).
    pub async fn write_report(
        &self,
        findings: &str,
        diagnosis: &str,
        orientation: &str,
        assistant_name: &str,
    ) -> Result {
        self.find("report-editor").await?;
        self.fill_field("findings", findings).await?;
        self.fill_field("diagnosis", diagnosis).await?;
        self.fill_field("orientation", orientation).await?;
        self.fill_field("assistant.name", assistant_name).await?;
        Ok(())
    }

    /// Clicks "Signer…" of the open tab (each document tab has its own).
    pub(crate) async fn click_doc_sign(&self) -> Result {
        self.find_css("[role=tabpanel]:not([hidden]) [data-testid=doc-sign]")
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Signs the document open in the current tab: "Signer…", a fresh TOTP code of
    /// `totp_secret` (the next step's, waiting for a new step if the hub says it was used),
    /// the result read back from the console. `screenshot` names a picture of the dialog.
    pub async fn sign_open_document(
        &self,
        totp_secret: &str,
        screenshot: Option<&str>,
    ) -> Result<ConsoleSigned> {
        self.click_doc_sign().await?;
        for attempt in 0..3 {
            // The code of the next 30 s step: valid now (±1 step) and not the sign-in's.
            let code = relais_hub::totp::code_at(
                totp_secret,
                chrono::Utc::now() + chrono::Duration::seconds(30),
            )?;
            self.fill("sign-totp", &code).await?;
            if attempt == 0 {
                if let Some(name) = screenshot {
                    self.screenshot(name).await?;
                }
            }
            self.click("sign-submit").await?;
            let deadline = tokio::time::Instant::now() + WAIT;
            loop {
                let done = self
                    .eval(
                        "const s = document.querySelector('[data-testid=sign-status]');
                         const e = document.querySelector('[data-testid=sign-error]');
                         return { version: s && s.dataset.version || null,
                                  status: s ? s.textContent : '',
                                  error: e && !e.hidden ? e.textContent : null,
                                  open: !!document.querySelector('[data-testid=sign-dialog]') };",
                    )
                    .await?;
                if done["version"].is_string() {
                    if let Some(name) = screenshot {
                        self.screenshot(&format!("{name}-done")).await?;
                    }
                    self.click("sign-submit").await?; // « Fermer »
                    let meta = self
                        .find_css("[role=tabpanel]:not([hidden]) [data-testid=doc-meta]")
                        .await?;
                    return Ok(ConsoleSigned {
                        id: meta.attr("data-document-id").await?.unwrap_or_default(),
                        version: meta
                            .attr("data-version")
                            .await?
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0),
                        sha256: meta.attr("data-sha256").await?.unwrap_or_default(),
                    });
                }
                if let Some(error) = done["error"].as_str() {
                    // Replayed code (two signatures in one step): wait for the next step.
                    eprintln!("[console] sign refused: {error}");
                    let now = chrono::Utc::now().timestamp();
                    let wait = 30 - now.rem_euclid(30) + 1;
                    tokio::time::sleep(Duration::from_secs(wait as u64)).await;
                    break;
                }
                if !done["open"].as_bool().unwrap_or(false) {
                    let msg = self
                        .eval("return Array.from(document.querySelectorAll('[aria-invalid=true]')).map(e => e.dataset.field + ': ' + (e.closest('.field')?.querySelector('.field-error')?.textContent ?? '')).join('; ');")
                        .await?;
                    return Err(format!("console: document refused: {msg}").into());
                }
                if tokio::time::Instant::now() > deadline {
                    return Err(format!("console: no answer to signing: {}", done["status"]).into());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Err("console: signing refused three times".into())
    }

    /// In the call screen: opens "Ordonnance", writes `lines` and `notes` (and a child's
    /// weight), signs with a fresh code of `totp_secret`; returns what the console shows.
    pub async fn write_and_sign_prescription(
        &self,
        lines: &[RxLine<'_>],
        notes: &str,
        weight_kg: Option<&str>,
        totp_secret: &str,
    ) -> Result<ConsoleSigned> {
        self.open_documents_tab("prescription").await?;
        self.write_prescription(lines, notes, weight_kg).await?;
        self.sign_open_document(totp_secret, None).await
    }

    /// Writes a sick note in the open "Arrêt de travail" editor.
    pub async fn write_sick_note(&self, n: &SickNoteInput<'_>) -> Result {
        self.find("sn-editor").await?;
        self.fill("sn-days", &n.days.to_string()).await?;
        self.tick_field("declaredTreatingGp", n.treating_gp).await?;
        self.fill("sn-reason", n.reason).await?;
        self.click(&format!("sn-exits-{}", n.exits)).await?;
        if n.exits == "allowedAnyTime" {
            self.fill("sn-justification", n.exits_justification).await?;
        }
        self.fill("sn-notes", n.notes).await?;
        Ok(())
    }

    /// Tries to sign the document of the open tab with a fresh code and expects the hub to
    /// refuse its content: the dialog closes and the fields marked invalid are returned.
    pub async fn sign_open_document_refused(&self, totp_secret: &str) -> Result<Vec<FieldError>> {
        self.click_doc_sign().await?;
        let code = relais_hub::totp::code_at(
            totp_secret,
            chrono::Utc::now() + chrono::Duration::seconds(30),
        )?;
        self.fill("sign-totp", &code).await?;
        self.click("sign-submit").await?;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let state = self
                .eval(
                    "const s = document.querySelector('[data-testid=sign-status]');
                     const e = document.querySelector('[data-testid=sign-error]');
                     const panel = document.querySelector('[role=tabpanel]:not([hidden])');
                     const invalid = panel ? Array.from(panel.querySelectorAll('[aria-invalid=true]')) : [];
                     const seen = new Set();
                     return { open: !!document.querySelector('[data-testid=sign-dialog]'),
                              version: s && s.dataset.version || null,
                              error: e && !e.hidden ? e.textContent : null,
                              status: s ? s.textContent : '',
                              fields: invalid.filter(el => !seen.has(el.dataset.field) && seen.add(el.dataset.field))
                                .map(el => ({ field: el.dataset.field || '',
                                  message: (el.closest('.field, fieldset')?.querySelector('[data-testid=field-error]')?.textContent) || '' })) };",
                )
                .await?;
            if state["version"].is_string() {
                return Err("console: the document was signed, a refusal was expected".into());
            }
            if let Some(e) = state["error"].as_str() {
                return Err(format!("console: the code was refused, not the document: {e}").into());
            }
            if !state["open"].as_bool().unwrap_or(true) {
                let fields = state["fields"].as_array().cloned().unwrap_or_default();
                return Ok(fields
                    .iter()
                    .map(|f| FieldError {
                        field: f["field"].as_str().unwrap_or_default().to_string(),
                        message: f["message"].as_str().unwrap_or_default().to_string(),
                    })
                    .collect());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("console: no answer to signing: {}", state["status"]).into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// In the call screen: opens "Compte rendu", writes it, signs it.
    pub async fn write_and_sign_report(
        &self,
        findings: &str,
        diagnosis: &str,
        orientation: &str,
        assistant_name: &str,
        totp_secret: &str,
    ) -> Result<ConsoleSigned> {
        self.open_documents_tab("report").await?;
        self.write_report(findings, diagnosis, orientation, assistant_name)
            .await?;
        self.sign_open_document(totp_secret, None).await
    }
}
