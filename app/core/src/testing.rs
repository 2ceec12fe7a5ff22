//! Fixtures of the unit tests: a logged-in client without a server, a settable clock, and a
//! valid new report.

use crate::model::{NewReport, Session};
use crate::store::settings;
use crate::{Client, Clock};
use cgt_shared::report::PhotoRef;
use cgt_shared::{DeviceId, Kind, Position, Role, Timestamp, UserId};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// 2026-09-21, a Monday.
pub(crate) const T0: Timestamp = Timestamp(1_790_000_000_000);

#[derive(Debug)]
pub(crate) struct TestClock(AtomicI64);

impl TestClock {
    pub(crate) fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

pub(crate) struct Fixture {
    pub client: Client,
    pub clock: Arc<TestClock>,
    dir: tempfile::TempDir,
}

impl Fixture {
    /// A fresh store; nobody logged in.
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(TestClock(AtomicI64::new(T0.millis())));
        let client = Client::open_with_clock(dir.path().join("cgt.db"), clock.clone()).unwrap();
        Fixture { client, clock, dir }
    }

    /// Stores a session as if the inspector had logged in; the server is unreachable.
    pub(crate) fn login(&self) -> Session {
        let session = Session {
            server_url: "http://127.0.0.1:1".into(),
            user_id: UserId::new(),
            username: "zhangsan".into(),
            display_name: "张三".into(),
            roles: vec![Role::Inspector],
            device_id: DeviceId::new(),
        };
        self.client
            .inner
            .store
            .write(|tx| settings::save_login(tx, &session, "token"))
            .unwrap();
        session
    }

    /// The same store, opened again (as after the app was killed).
    pub(crate) fn reopen(&self) -> Client {
        Client::open_with_clock(self.dir.path().join("cgt.db"), self.clock.clone()).unwrap()
    }
}

/// 事件 0102 暴露垃圾 at a crossing in 姑苏区.
pub(crate) fn garbage_report() -> NewReport {
    NewReport {
        kind: Kind::Event,
        class: 1,
        subclass: 2,
        description: "人民路与干将路交叉口东北角暴露垃圾,约两平方米".into(),
        position: Position::new(31.3158, 120.6190, 8.0),
        unit_grid: "320508001001001".parse().unwrap(),
        component_id: None,
        photos: vec![PhotoRef {
            sha256: "ab".repeat(32),
        }],
        self_handled: false,
    }
}
