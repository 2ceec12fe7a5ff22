//! Fixtures of the sync tests: the fake server, logged-in clients, a valid report.

mod fake_server;

pub use fake_server::{FakeServer, PASSWORD, REFUSE_MARKER, SERVER_TIME, USERNAME};

use cgt_client::{Client, NewReport};
use cgt_shared::report::PhotoRef;
use cgt_shared::{Kind, Position};
use tempfile::TempDir;

/// A phone: its client and the folder of its store.
pub struct Phone {
    pub client: Client,
    pub dir: TempDir,
}

impl Phone {
    pub fn new() -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let client = Client::open(dir.path().join("cgt.db")).unwrap();
        Phone { client, dir }
    }

    pub async fn logged_in(server: &FakeServer) -> Phone {
        let phone = Phone::new();
        phone
            .client
            .login(&server.url, USERNAME, PASSWORD, "测试手机")
            .await
            .unwrap();
        phone
    }

    /// The same store opened again, as after the app was killed.
    pub fn reopen(&self) -> Client {
        Client::open(self.dir.path().join("cgt.db")).unwrap()
    }
}

/// 事件 0102 暴露垃圾, with `description`.
pub fn garbage(description: &str) -> NewReport {
    NewReport {
        kind: Kind::Event,
        class: 1,
        subclass: 2,
        description: description.into(),
        position: Position::new(31.3158, 120.6190, 8.0),
        unit_grid: "320508001001001".parse().unwrap(),
        component_id: None,
        photos: vec![PhotoRef {
            sha256: "ab".repeat(32),
        }],
        self_handled: false,
    }
}
