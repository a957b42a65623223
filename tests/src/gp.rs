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
    /// Starts chromedriver and a Chromium session; `extra_flags` are added to [`FLAGS`].
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

    /// The profile folder (downloads, logs).
    pub fn profile_dir(&self) -> PathBuf {
        self.profile.path().to_path_buf()
    }

    /// Opens a page.
    pub async fn open(&self, url: &str) -> Result {
        self.client.goto(url).await?;
        Ok(())
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
                last = el.attr(attr).await?;
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
