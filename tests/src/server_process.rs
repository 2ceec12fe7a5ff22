//! The real server binary as a child process, so tests can kill it with SIGKILL and restart it
//! on the same data directory and port.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct ServerProcess {
    binary: PathBuf,
    data_dir: PathBuf,
    child: Option<Child>,
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `binary serve --demo` on a free port with `data_dir`.
    pub fn start(binary: &Path, data_dir: &Path) -> anyhow::Result<ServerProcess> {
        let mut server = ServerProcess {
            binary: binary.to_path_buf(),
            data_dir: data_dir.to_path_buf(),
            child: None,
            addr: "127.0.0.1:0".parse()?,
        };
        server.spawn()?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let mut child = Command::new(&self.binary)
            .args(["serve", "--demo", "--listen"])
            .arg(self.addr.to_string())
            .arg("--data-dir")
            .arg(&self.data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .ok_or_else(|| anyhow::anyhow!("server exited before listening"))??;
            if let Some(rest) = line.strip_prefix("cgt-server listening on http://") {
                break rest.trim().parse::<SocketAddr>()?;
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        self.addr = addr;
        self.child = Some(child);
        Ok(())
    }

    /// SIGKILL: no shutdown hooks, no flushing; only what was durably committed survives.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts again on the same port and data directory.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.kill();
        let mut last = None;
        for _ in 0..50 {
            match self.spawn() {
                Ok(()) => return Ok(()),
                Err(e) => {
                    last = Some(e);
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        Err(last.expect("at least one attempt"))
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
