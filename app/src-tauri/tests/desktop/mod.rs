//! Harness of the desktop end-to-end test: a private X display (Xvfb), `tauri-driver` in front
//! of WebKitWebDriver launching the real app binary, and waits that fail with a clear message
//! instead of hanging.

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process, started in its own process group, killed with everything it started
/// (tauri-driver's WebKitWebDriver, the app) when the test ends, however it ends.
pub struct Guarded(Child);

impl Guarded {
    fn spawn(command: &mut Command) -> std::io::Result<Guarded> {
        command.process_group(0).spawn().map(Guarded)
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The programs the test needs; CI installs them in `scripts/setup.sh`.
pub fn require_tools() -> anyhow::Result<PathBuf> {
    for tool in ["Xvfb", "WebKitWebDriver"] {
        if which(tool).is_none() {
            bail!(
                "{tool} is not installed: run scripts/setup.sh (apt packages xvfb, webkit2gtk-driver)"
            );
        }
    }
    which("tauri-driver").context(
        "tauri-driver is not installed: run scripts/setup.sh (cargo install tauri-driver --locked)",
    )
}

fn which(tool: &str) -> Option<PathBuf> {
    let cargo_bin = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin"));
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain(cargo_bin)
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
}

/// Starts Xvfb on the first free display from :91 and returns it with its name (`:91`).
pub fn start_display(log: &Path) -> anyhow::Result<(Guarded, String)> {
    for number in 91..140 {
        if Path::new(&format!("/tmp/.X{number}-lock")).exists() {
            continue;
        }
        let display = format!(":{number}");
        let mut command = Command::new("Xvfb");
        command
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(File::create(log)?);
        let mut guard = Guarded::spawn(&mut command).context("starting Xvfb")?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if socket.exists() {
                return Ok((guard, display));
            }
            if guard.0.try_wait()?.is_some() {
                break; // lost a race for this display: try the next
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    bail!(
        "no X display could be started with Xvfb (see {})",
        log.display()
    )
}

/// A port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// tauri-driver and the WebKitWebDriver it started, which outlives it when left alone.
pub struct Driver {
    _tauri_driver: Guarded,
    native_port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let flag = format!("--port={}", self.native_port);
        let Ok(processes) = std::fs::read_dir("/proc") else {
            return;
        };
        for process in processes.flatten() {
            let cmdline = std::fs::read(process.path().join("cmdline")).unwrap_or_default();
            let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
            let is_ours = args
                .first()
                .is_some_and(|a| a.ends_with(b"WebKitWebDriver"))
                && args.contains(&flag.as_bytes());
            if is_ours {
                let pid = process.file_name().to_string_lossy().into_owned();
                let _ = Command::new("kill").arg(pid).stderr(Stdio::null()).status();
            }
        }
    }
}

/// Starts `tauri-driver` with `env` (the display and the app's configuration), which its
/// WebKitWebDriver and so the app inherit, and waits until it accepts connections.
pub fn start_driver(
    tauri_driver: &Path,
    env: &[(&str, String)],
    log: &Path,
) -> anyhow::Result<(Driver, u16)> {
    let (port, native_port) = (free_port()?, free_port()?);
    let mut command = Command::new(tauri_driver);
    command
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(File::create(log)?)
        .stderr(File::create(log.with_extension("err.log"))?);
    let guard = Guarded::spawn(&mut command).context("starting tauri-driver")?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(addr).is_err() {
        if Instant::now() > deadline {
            bail!(
                "tauri-driver did not listen on {addr} within 20 s (see {})",
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let driver = Driver {
        _tauri_driver: guard,
        native_port,
    };
    Ok((driver, port))
}

/// A WebDriver session that launches the app binary.
pub async fn open_app(port: u16, app: &Path) -> anyhow::Result<Client> {
    // Both rustls providers are in the dependency tree, so fantoccini cannot pick one itself;
    // the call fails harmlessly when one is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), "wry".into());
    capabilities.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app.to_string_lossy() }),
    );
    ClientBuilder::rustls()?
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .context("WebDriver session with the app")
}

/// The screen interactions of the story, each bounded by a timeout.
pub struct Screen {
    pub client: Client,
    pub shots: PathBuf,
}

const WAIT: Duration = Duration::from_secs(30);

impl Screen {
    pub async fn find(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element `{css}` on the screen within {WAIT:?}"))
    }

    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        println!("click {css}");
        let element = self.find(css).await?;
        // Centred, so the fixed tab bar at the bottom does not cover it.
        let arg = serde_json::to_value(&element)?;
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg])
            .await?;
        // A toast may cover it for a moment: try again until it has gone.
        let deadline = Instant::now() + WAIT;
        loop {
            match element.click().await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() > deadline => {
                    return Err(e).with_context(|| format!("clicking `{css}`"));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(300)).await,
            }
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let field = self.find(css).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    /// Waits until the text of `css` satisfies `done`; `what` says what was awaited.
    pub async fn wait_text(
        &self,
        css: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if done(&last) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        bail!("waited {timeout:?} for {what}: `{css}` still reads {last:?}")
    }

    /// Saves a PNG of the window as `<name>.png` in the screenshot folder.
    pub async fn shot(&self, name: &str) -> anyhow::Result<()> {
        println!("screenshot {name}");
        tokio::time::sleep(Duration::from_millis(400)).await; // let toasts and popups settle
        let png = tokio::time::timeout(WAIT, self.client.screenshot())
            .await
            .with_context(|| format!("screenshot {name} took over {WAIT:?}"))??;
        std::fs::write(self.shots.join(format!("{name}.png")), png)?;
        Ok(())
    }
}
