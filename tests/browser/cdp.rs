//! Just enough of the Chrome DevTools Protocol to drive a page: Chromium started headless with
//! a DevTools WebSocket, one page target attached in flat mode, commands answered by id. Every
//! wait is bounded.

use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// The longest Chromium may take to start, and any one command to be answered.
const START_BOUND: Duration = Duration::from_secs(30);
const COMMAND_BOUND: Duration = Duration::from_secs(20);

/// A headless Chromium with one page; killed when dropped.
pub(crate) struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

fn chromium() -> anyhow::Result<String> {
    let output = Command::new("bash")
        .arg(testkit::repository_root().join("ci/chromium.sh"))
        .stderr(Stdio::inherit())
        .output()
        .context("ci/chromium.sh runs")?;
    anyhow::ensure!(
        output.status.success(),
        "ci/chromium.sh could not provide Chromium"
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

impl Browser {
    /// Starts Chromium and opens a blank page.
    pub(crate) fn launch() -> anyhow::Result<Self> {
        let profile = tempfile::tempdir()?;
        let mut child = Command::new(chromium()?)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--window-size=1280,1150",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("Chromium starts")?;
        let stderr = child.stderr.take().context("Chromium's stderr")?;
        let (found, seen) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    found.send(url.trim().to_owned()).ok();
                }
            }
        });
        let Ok(url) = seen.recv_timeout(START_BOUND) else {
            child.kill().ok();
            anyhow::bail!("Chromium printed no DevTools address within {START_BOUND:?}");
        };
        let host = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .context("a host in the DevTools address")?
            .to_owned();
        let stream = TcpStream::connect(&host)?;
        stream.set_read_timeout(Some(COMMAND_BOUND))?;
        let (socket, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| anyhow::anyhow!("the DevTools WebSocket handshake failed: {e}"))?;
        let mut browser = Self {
            child,
            socket,
            session: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = browser.command("Target.createTarget", &json!({"url": "about:blank"}))?;
        let target_id = target["targetId"]
            .as_str()
            .context("a target id")?
            .to_owned();
        let attached = browser.command(
            "Target.attachToTarget",
            &json!({"targetId": target_id, "flatten": true}),
        )?;
        browser.session = attached["sessionId"]
            .as_str()
            .context("a session id")?
            .to_owned();
        browser.command("Page.enable", &json!({}))?;
        Ok(browser)
    }

    /// Sends `method` (to the page once attached) and returns its result.
    pub(crate) fn command(&mut self, method: &str, params: &Value) -> anyhow::Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::Text(message.to_string().into()))
            .with_context(|| format!("sending {method}"))?;
        let started = Instant::now();
        loop {
            anyhow::ensure!(
                started.elapsed() < COMMAND_BOUND,
                "{method} had no answer in {COMMAND_BOUND:?}"
            );
            let text = match self
                .socket
                .read()
                .with_context(|| format!("waiting for {method}"))?
            {
                Message::Text(text) => text.to_string(),
                Message::Close(_) => anyhow::bail!("Chromium closed the DevTools connection"),
                _ => continue,
            };
            let answer: Value = serde_json::from_str(&text)?;
            if answer["id"] != json!(id) {
                continue; // an event, or another session's answer
            }
            if let Some(error) = answer.get("error") {
                anyhow::bail!("{method} failed: {error}");
            }
            return Ok(answer["result"].clone());
        }
    }

    /// Loads `url` in the page and waits until it has loaded.
    pub(crate) fn open(&mut self, url: &str) -> anyhow::Result<()> {
        let navigated = self.command("Page.navigate", &json!({"url": url}))?;
        anyhow::ensure!(navigated.get("errorText").is_none(), "{url}: {navigated}");
        // Page.navigate answers before the new document replaces the old one.
        let loaded = format!(
            "location.href === {} && document.readyState === 'complete'",
            json!(url)
        );
        self.wait_until(&loaded, COMMAND_BOUND)
    }

    /// The value of a JavaScript expression in the page.
    pub(crate) fn evaluate(&mut self, expression: &str) -> anyhow::Result<Value> {
        let result = self.command(
            "Runtime.evaluate",
            &json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        )?;
        if let Some(exception) = result.get("exceptionDetails") {
            anyhow::bail!("{expression}: {exception}");
        }
        Ok(result["result"]["value"].clone())
    }

    /// Waits until `expression` is `true` in the page, polling, for at most `bound`; an
    /// exception (an element not there yet) counts as not yet.
    pub(crate) fn wait_until(&mut self, expression: &str, bound: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            let outcome = self.evaluate(expression);
            if matches!(&outcome, Ok(value) if *value == json!(true)) {
                return Ok(());
            }
            if started.elapsed() > bound {
                let page = self
                    .evaluate("document.body ? document.body.innerText.slice(0, 2000) : ''")
                    .unwrap_or_default();
                let last = outcome.map_or_else(|e| format!("{e:#}"), |v| v.to_string());
                anyhow::bail!(
                    "not true within {bound:?}: {expression} (last: {last})\nthe page shows:\n{}",
                    page.as_str().unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A PNG of the whole page.
    pub(crate) fn screenshot(&mut self) -> anyhow::Result<Vec<u8>> {
        let shot = self.command(
            "Page.captureScreenshot",
            &json!({"format": "png", "captureBeyondViewport": true}),
        )?;
        let data = shot["data"].as_str().context("screenshot data")?;
        Ok(base64::engine::general_purpose::STANDARD.decode(data)?)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
