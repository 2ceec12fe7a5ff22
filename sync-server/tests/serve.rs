//! The real server: `launch` on port 0 with a clean shutdown, and the `cgt-server` binary.

use cgt_server::{Settings, demo, launch};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};

/// One HTTP/1.1 request over a fresh connection; returns the status line and the body.
fn http(addr: SocketAddr, method: &str, path: &str, json: Option<&str>) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let body = json.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_serves_until_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(launch(Settings::for_test(dir.path()), listener, async {
        let _ = stopped.await;
    }));
    let (status, body) = tokio::task::spawn_blocking(move || http(addr, "GET", "/healthz", None))
        .await
        .unwrap();
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, "ok");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(dir.path().join("cgt.sqlite3").exists());
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cgt_server(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cgt-server"));
    command.args(args).env("RUST_LOG", "warn");
    for key in cgt_server::settings::keys() {
        command.env_remove(cgt_server::settings::env_var(&key));
    }
    command
}

#[test]
fn the_binary_serves_the_demo_city() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let mut child = Child(
        cgt_server(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data,
            "--demo",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap(),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("cgt-server listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    assert_ne!(addr.port(), 0);
    let mut rest = String::new();
    for _ in 0..3 {
        stdout.read_line(&mut rest).unwrap();
    }
    assert!(rest.contains(demo::DEMO_PASSWORD), "{rest}");
    let login = format!(
        "{{\"username\": \"inspector01\", \"password\": \"{}\", \"device_name\": \"测试机\"}}",
        demo::DEMO_PASSWORD
    );
    let (status, body) = http(addr, "POST", "/api/v1/auth/login", Some(&login));
    assert!(status.contains("200"), "{status} {body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["roles"], serde_json::json!(["inspector"]));
    assert!(json["device_id"].is_string());
}

#[test]
fn the_binary_seeds_adds_users_and_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let output = cgt_server(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        (
            output.status.success(),
            stdout,
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let (ok, out, err) = run(&["seed-demo", "--data-dir", data]);
    assert!(ok, "{err}");
    assert!(out.contains("432") && out.contains("5000"), "{out}");
    let (ok, out, _) = run(&["seed-demo", "--data-dir", data]);
    assert!(ok && out.contains("already has users"), "{out}");
    let add = [
        "add-user",
        "--data-dir",
        data,
        "--username",
        "li4",
        "--password",
        "secret-pass",
        "--display-name",
        "李四",
        "--roles",
        "inspector,admin",
    ];
    let (ok, out, err) = run(&add);
    assert!(ok && out.contains("li4"), "{out} {err}");
    let (ok, _, err) = run(&add);
    assert!(!ok && err.contains("用户名已存在"), "{err}");
    let (ok, out, _) = run(&["serve", "--help"]);
    assert!(ok);
    for needle in ["--listen", "--data-dir", "--demo", "--config"] {
        assert!(out.contains(needle), "serve --help lacks {needle}");
    }
    let (ok, out, _) = run(&["--help"]);
    assert!(ok);
    for key in cgt_server::settings::keys() {
        let var = cgt_server::settings::env_var(&key);
        assert!(out.contains(&var), "--help lacks {var}");
    }
    let (ok, _, err) = run(&["serve", "--config", "/nonexistent/cgt.toml"]);
    assert!(!ok && err.contains("配置文件"), "{err}");
}
