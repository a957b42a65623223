//! Helpers shared by the end-to-end tests: start tauri-driver with the real station
//! binary, open a WebDriver session on it, find elements by their `data-testid`.
#![forbid(unsafe_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::process::{Child, Command};

pub mod call;
pub mod cups;
pub mod encode_bench;
pub mod firefox;
pub mod flow;
pub mod gp;
pub mod netns;
pub mod steth;
pub mod steth_ui;
pub mod turn;
pub mod wait;

pub use wait::{eventually, eventually_every};

/// The passphrase of the test stations' encrypted record.
pub const PASSPHRASE: &str = "phrase secrète du poste de test";

/// How long an element may take to appear.
pub const WAIT: Duration = Duration::from_secs(20);

/// Test outcome with a readable error.
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The station binary under test: `$RELAIS_STATION_BIN`, else `target/debug/relais-station`.
pub fn station_binary() -> PathBuf {
    std::env::var_os("RELAIS_STATION_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/relais-station")
        })
}

/// Sends the programs' logs (`RELAIS_LOG`, e.g. `relais_app=debug`; default warnings) to
/// the test output. Once per process.
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RELAIS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// Runs a test body with a deadline: a WebDriver call that never answers fails the test
/// with a message instead of hanging the whole run.
///
/// The tests of one binary run one at a time: each drives real media on a 2-core machine.
pub async fn within(limit: Duration, body: impl std::future::Future<Output = Result>) -> Result {
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = ONE_AT_A_TIME.lock().await;
    init_logs();
    tokio::time::timeout(limit, body)
        .await
        .map_err(|_| format!("the test did not finish within {limit:?}"))?
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One run of the station: tauri-driver, WebKitWebDriver and the app, with its data dir.
pub struct Station {
    driver: Child,
    /// The WebDriver session on the station's window.
    pub client: Client,
}

impl Station {
    /// Starts the station on `data_dir`; its database key comes from [`PASSPHRASE`].
    pub async fn launch(data_dir: &Path) -> Result<Self> {
        Self::launch_with(data_dir, &[]).await
    }

    /// Starts the station with extra environment variables (hub address, media source…).
    pub async fn launch_with(data_dir: &Path, env: &[(&str, &str)]) -> Result<Self> {
        let port = free_port()?;
        let native = free_port()?;
        // The driver's output goes to a file beside the data: WebKitWebDriver must not hold
        // the test's own output open after the test ends.
        let log = std::fs::File::create(data_dir.with_extension("driver.log"))?;
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("RELAIS_DATA_DIR", data_dir)
            // The passphrase fallback: test machines have no reliable OS keyring.
            .env("RELAIS_KEY_STORE", "passphrase")
            .env("RELAIS_LOCK_AFTER_SECONDS", "900")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()?;
        let url = format!("http://127.0.0.1:{port}");
        wait_for_driver(&url).await?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": station_binary() }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&url)
            .await?;
        Ok(Self { driver, client })
    }

    /// Waits for the element with this `data-testid`.
    pub async fn find(&self, testid: &str) -> Result<Element> {
        // The steps, in the test's output: where a run stopped is visible.
        eprintln!("[station] {testid}");
        let css = format!("[data-testid=\"{testid}\"]");
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self
                .client
                .wait()
                .at_most(left)
                .for_element(Locator::Css(&css))
                .await
            {
                Ok(e) => return Ok(e),
                // WebKitWebDriver answers "stale" when the list re-renders during the search:
                // the element is searched again.
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && !left.is_zero() =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(format!("element {testid} not found: {e}").into()),
            }
        }
    }

    /// Opens the encrypted record on the passphrase screen.
    pub async fn unlock_storage(&self) -> Result {
        self.screen("unlock").await?;
        self.fill("storage-passphrase", PASSPHRASE).await?;
        self.click("storage-submit").await
    }

    /// Waits for a screen (`screen-<name>`).
    pub async fn screen(&self, name: &str) -> Result<Element> {
        self.find(&format!("screen-{name}")).await
    }

    /// Clears a field and types into it.
    pub async fn fill(&self, testid: &str, text: &str) -> Result {
        let e = self.find(testid).await?;
        e.clear().await?;
        if !text.is_empty() {
            e.send_keys(text).await?;
        }
        Ok(())
    }

    /// Clicks.
    pub async fn click(&self, testid: &str) -> Result {
        let element = self.find(testid).await?;
        tokio::time::timeout(WAIT, element.click())
            .await
            .map_err(|_| format!("click on {testid}: WebKitWebDriver did not answer"))??;
        Ok(())
    }

    /// Chooses an option of a `<select>` by value.
    pub async fn select(&self, testid: &str, value: &str) -> Result {
        // The screen may re-render the list between finding it and choosing (a device list
        // refreshed in the background): a stale element is found again, a few times.
        let mut tries = 0;
        loop {
            match self.find(testid).await?.select_by_value(value).await {
                Ok(()) => return Ok(()),
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && tries < 5 =>
                {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Waits until some element with this `data-testid` has a text containing `needle`
    /// (case-insensitive); lists refresh asynchronously.
    pub async fn wait_for_text(&self, testid: &str, needle: &str) -> Result<String> {
        let css = format!("[data-testid=\"{testid}\"]");
        let needle = needle.to_lowercase();
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut seen = Vec::new();
        eprintln!("[station] waiting for {testid} to say {needle:?}");
        while tokio::time::Instant::now() < deadline {
            seen.clear();
            for e in self.client.find_all(Locator::Css(&css)).await? {
                let text = e.text().await.unwrap_or_default();
                if text.to_lowercase().contains(&needle) {
                    return Ok(text);
                }
                seen.push(text);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("no {testid} containing {needle:?}; last seen: {seen:?}").into())
    }

    /// Text of an element.
    pub async fn text(&self, testid: &str) -> Result<String> {
        Ok(self.find(testid).await?.text().await?)
    }

    /// Calls a backend command by hand, as anyone with the webview's devtools could:
    /// `Ok(value)` or `Err(error object)`.
    pub async fn invoke(
        &self,
        command: &str,
        args: Value,
    ) -> Result<std::result::Result<Value, Value>> {
        let script = r#"
            const [command, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(command, args)
              .then(v => done({ ok: v === undefined ? null : v }), e => done({ err: e }));
        "#;
        let out = self
            .client
            .execute_async(script, vec![json!(command), args])
            .await?;
        Ok(match out.get("err") {
            Some(e) => Err(e.clone()),
            None => Ok(out.get("ok").cloned().unwrap_or(Value::Null)),
        })
    }

    /// Saves a screenshot when `RELAIS_E2E_SCREENSHOTS` names a folder.
    pub async fn screenshot(&self, name: &str) -> Result {
        save_screenshot(&self.client, name).await
    }

    /// Closes the app, then its driver (on drop).
    pub async fn quit(self) -> Result {
        self.client.clone().close().await?;
        Ok(())
    }
}

impl Drop for Station {
    /// Stops tauri-driver and every process under it (WebKitWebDriver, the app, WebKit's
    /// helpers), also when a test fails half-way.
    fn drop(&mut self) {
        stop_tree(&mut self.driver);
    }
}

/// Kills a driver and every process under it (the browser or the app and its helpers).
pub(crate) fn stop_tree(driver: &mut Child) {
    if let Some(pid) = driver.id() {
        for p in descendants(pid) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &p.to_string()])
                .status();
        }
    }
    let _ = driver.start_kill();
}

/// Saves a screenshot of a WebDriver session into `$RELAIS_E2E_SCREENSHOTS` when set.
pub(crate) async fn save_screenshot(client: &Client, name: &str) -> Result {
    if let Some(dir) = std::env::var_os("RELAIS_E2E_SCREENSHOTS") {
        let png = client.screenshot().await?;
        std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png)?;
    }
    Ok(())
}

/// The processes under `root` (children first found, then theirs), read from /proc.
pub(crate) fn descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // Field 4 (ppid) comes after the command name in parentheses.
            let after = stat.rsplit_once(')')?.1;
            let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid) in &parents {
            if ppid == parent && pid > 1 && !out.contains(&pid) {
                out.push(pid);
                frontier.push(pid);
            }
        }
    }
    out
}

/// Polls `GET /status` until a WebDriver server says it is ready.
pub(crate) async fn wait_for_driver(url: &str) -> Result {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse()?;
    for _ in 0..300 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await {
            let request =
                format!("GET /status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            // Read until the answer says ready: chromedriver keeps the connection open.
            let mut response = Vec::new();
            if stream.write_all(request.as_bytes()).await.is_ok() {
                let mut buf = [0u8; 1024];
                while let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await
                {
                    if n == 0 {
                        break;
                    }
                    response.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&response);
                    if text.starts_with("HTTP/1.1 200") && text.contains("\"ready\":true") {
                        return Ok(());
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("tauri-driver did not become ready on {url}/status").into())
}
