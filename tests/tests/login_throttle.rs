//! Wrong passwords meet growing delays, per account and per address: a locked account or
//! address is refused unheard (429 with Retry-After, even with the right password), every lock
//! is a security event for the admin, and other accounts and addresses log in as usual.

mod common;

use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::{Value, json};
use std::net::IpAddr;

/// One login attempt from `from` (a loopback address); the status and Retry-After.
async fn attempt(
    url: &str,
    from: IpAddr,
    username: &str,
    password: &str,
) -> anyhow::Result<(u16, Option<u64>)> {
    let http = reqwest::Client::builder().local_address(from).build()?;
    let response = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await?;
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Ok((response.status().as_u16(), retry_after))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_wrong_passwords_do_not_each_get_a_try() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let admin = Staff::login(&url, "admin").await?;
    let attacker: IpAddr = "127.0.0.2".parse()?;

    let (mut heard, mut refused) = (0, 0);
    for _ in 0..200 {
        match attempt(&url, attacker, "shiftlead1", "guess-123456").await? {
            (401, _) => heard += 1,
            (429, Some(seconds)) if seconds >= 1 => refused += 1,
            other => anyhow::bail!("unexpected answer {other:?}"),
        }
    }
    assert!(
        (5..=10).contains(&heard),
        "heard {heard} of 200 wrong passwords"
    );
    assert_eq!(heard + refused, 200);
    // The right password is not heard while the account is locked.
    let (status, retry) = attempt(&url, attacker, "shiftlead1", DEMO_PASSWORD).await?;
    assert_eq!(status, 429);
    assert!(retry.is_some());
    // Another account from the same address is judged on its own.
    assert_eq!(
        attempt(&url, attacker, "operator1", DEMO_PASSWORD).await?.0,
        200
    );

    let (status, events) = admin.get("/api/v1/security-events").await?;
    assert_eq!(status, 200);
    let locks: Vec<&Value> = events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "login_locked" && e["subject"] == "account:shiftlead1")
        .collect();
    assert!(!locks.is_empty(), "{events}");
    assert_eq!(locks[0]["address"], "127.0.0.2");
    let (status, _) = Staff::login(&url, "operator1")
        .await?
        .get("/api/v1/security-events")
        .await?;
    assert_eq!(status, 403);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_guessing_across_accounts_is_slowed_down() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let guesser: IpAddr = "127.0.0.3".parse()?;
    let mut statuses = Vec::new();
    for i in 0..40 {
        let name = format!("inspector{:02}", i % 12 + 1);
        statuses.push(
            attempt(&url, guesser, &name, &format!("guess-{i}"))
                .await?
                .0,
        );
    }
    let heard = statuses.iter().filter(|&&s| s == 401).count();
    assert!((30..=32).contains(&heard), "{statuses:?}");
    assert!(statuses.contains(&429));
    // The address is locked for everyone behind it; another address is not.
    assert_eq!(
        attempt(&url, guesser, "dispatcher1", DEMO_PASSWORD)
            .await?
            .0,
        429
    );
    let other: IpAddr = "127.0.0.4".parse()?;
    assert_eq!(
        attempt(&url, other, "dispatcher1", DEMO_PASSWORD).await?.0,
        200
    );
    Ok(())
}
