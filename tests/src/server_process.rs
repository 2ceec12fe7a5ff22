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
    /// The folder whose database the server uses (its own, unless it shares another's);
    /// `None`: always the embedded file, even in the suite's PostgreSQL pass.
    database_of: Option<PathBuf>,
    child: Option<Child>,
    /// Address space the process may map, in bytes (`prlimit --as`), if limited.
    memory_limit: Option<u64>,
    pub addr: SocketAddr,
}

/// Memory figures of a running server, from `/proc/<pid>/status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    pub rss_kib: u64,
    /// The highest RSS so far.
    pub peak_rss_kib: u64,
}

/// RSS and peak RSS of the process `pid`, from `/proc/<pid>/status`.
pub fn process_memory(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<u64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(name))
            .ok_or_else(|| anyhow::anyhow!("no {name} in /proc/{pid}/status"))?;
        Ok(line
            .split_whitespace()
            .nth(1)
            .ok_or_else(|| anyhow::anyhow!("bad {name} line"))?
            .parse()?)
    };
    Ok(Memory {
        rss_kib: field("VmRSS:")?,
        peak_rss_kib: field("VmHWM:")?,
    })
}

impl ServerProcess {
    /// Starts `binary serve --demo` on a free port with `data_dir`.
    pub fn start(binary: &Path, data_dir: &Path) -> anyhow::Result<ServerProcess> {
        ServerProcess::start_limited(binary, data_dir, None)
    }

    /// Starts like [`ServerProcess::start`], under `prlimit --as=<memory_limit>`: an allocation
    /// past the limit fails, and a server that cannot handle that dies (the test sees it).
    /// glibc is held to two malloc arenas so that the limit measures what the server uses
    /// rather than per-thread arena reservations.
    pub fn start_limited(
        binary: &Path,
        data_dir: &Path,
        memory_limit: Option<u64>,
    ) -> anyhow::Result<ServerProcess> {
        ServerProcess::launch(binary, data_dir, Some(data_dir), memory_limit)
    }

    /// Starts like [`ServerProcess::start`] on the embedded file whatever the suite's pass.
    pub fn start_embedded(binary: &Path, data_dir: &Path) -> anyhow::Result<ServerProcess> {
        ServerProcess::launch(binary, data_dir, None, None)
    }

    /// Starts a second server on its own `data_dir` (photos) against the database of the
    /// server on `database_of`: two instances of one installation, as behind a load
    /// balancer. Only a PostgreSQL store can be shared.
    pub fn start_sharing(
        binary: &Path,
        data_dir: &Path,
        database_of: &Path,
    ) -> anyhow::Result<ServerProcess> {
        ServerProcess::launch(binary, data_dir, Some(database_of), None)
    }

    fn launch(
        binary: &Path,
        data_dir: &Path,
        database_of: Option<&Path>,
        memory_limit: Option<u64>,
    ) -> anyhow::Result<ServerProcess> {
        let mut server = ServerProcess {
            binary: binary.to_path_buf(),
            data_dir: data_dir.to_path_buf(),
            database_of: database_of.map(Path::to_path_buf),
            child: None,
            memory_limit,
            addr: "127.0.0.1:0".parse()?,
        };
        server.spawn()?;
        Ok(server)
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// RSS and peak RSS of the running process.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        let pid = self
            .child
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("server not running"))?
            .id();
        process_memory(pid)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let mut command = match self.memory_limit {
            Some(bytes) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--as={bytes}"))
                    .arg("--")
                    .arg(&self.binary)
                    .env("MALLOC_ARENA_MAX", "2");
                c
            }
            None => Command::new(&self.binary),
        };
        let mut child = command
            .args(["serve", "--demo", "--listen"])
            .arg(self.addr.to_string())
            .arg("--data-dir")
            .arg(&self.data_dir)
            // `CGT_TEST_SERVER_LOG=info` shows what the servers of a failing test did.
            .env(
                "RUST_LOG",
                std::env::var("CGT_TEST_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .envs(match &self.database_of {
                Some(folder) => crate::database::server_env(folder)?,
                None => Vec::new(),
            })
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
