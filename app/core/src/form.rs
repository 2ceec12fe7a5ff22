//! What the report form (问题上报) remembers between visits: the draft the inspector left
//! unfinished, and the categories used most recently. Both offline.

use crate::client::Client;
use crate::error::ClientError;
use crate::store::settings;
use cgt_shared::{Kind, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An unfinished report (草稿). Photos are not part of it: they enter the evidence pipeline
/// only when the report is created, which needs a complete form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportDraft {
    pub kind: Option<Kind>,
    /// 大类 and 小类 codes, once chosen.
    pub category: Option<(u8, u8)>,
    pub description: String,
    /// The picked component (部件编码), for 部件 reports.
    pub component_id: Option<String>,
    pub self_handled: bool,
    /// Set by the library when saved.
    pub saved_at: Option<Timestamp>,
}

/// A category as the recently-used list offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CategoryChoice {
    pub kind: Kind,
    pub class: u8,
    pub subclass: u8,
}

impl Client {
    /// Keeps `draft` (replacing the one kept before) until it is discarded.
    pub fn save_draft(&self, mut draft: ReportDraft) -> Result<ReportDraft, ClientError> {
        draft.saved_at = Some(self.inner.clock.now());
        let json = serde_json::to_string(&draft).expect("a draft always serializes");
        self.inner
            .store
            .write(|tx| settings::set_report_draft(tx, Some(&json)))?;
        Ok(draft)
    }

    /// The draft kept, if any. One that cannot be read (written by another app version) is
    /// treated as none rather than blocking the form.
    pub fn draft(&self) -> Result<Option<ReportDraft>, ClientError> {
        let json = self.inner.store.read(settings::report_draft)?;
        Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
    }

    pub fn discard_draft(&self) -> Result<(), ClientError> {
        self.inner
            .store
            .write(|tx| settings::set_report_draft(tx, None))
    }

    /// The categories of this device's latest reports, most recent first, each once.
    pub fn recent_categories(&self, limit: usize) -> Result<Vec<CategoryChoice>, ClientError> {
        let mut recent: Vec<CategoryChoice> = Vec::with_capacity(limit);
        for view in self.reports()? {
            if recent.len() == limit {
                break;
            }
            let report = view.report;
            let choice = CategoryChoice {
                kind: report.kind,
                class: report.class,
                subclass: report.subclass,
            };
            if !recent.contains(&choice) {
                recent.push(choice);
            }
        }
        Ok(recent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Fixture, T0, garbage_report};

    #[test]
    fn a_draft_survives_a_restart_until_discarded() {
        let f = Fixture::new();
        assert_eq!(f.client.draft().unwrap(), None);
        let draft = ReportDraft {
            kind: Some(Kind::Event),
            category: Some((1, 2)),
            description: "观前街垃圾桶满溢".into(),
            component_id: None,
            self_handled: true,
            saved_at: None,
        };
        let saved = f.client.save_draft(draft.clone()).unwrap();
        assert_eq!(saved.saved_at, Some(T0));
        let reopened = f.reopen();
        assert_eq!(reopened.draft().unwrap(), Some(saved));
        reopened.discard_draft().unwrap();
        assert_eq!(reopened.draft().unwrap(), None);
    }

    #[test]
    fn recent_categories_are_distinct_newest_first_and_limited() {
        let f = Fixture::new();
        f.login();
        assert!(f.client.recent_categories(5).unwrap().is_empty());
        for (class, subclass) in [(1, 2), (1, 4), (1, 2), (1, 1)] {
            let mut new = garbage_report();
            (new.class, new.subclass) = (class, subclass);
            f.client.create_report(new).unwrap();
            f.clock.advance(1_000);
        }
        let recent: Vec<(u8, u8)> = f
            .client
            .recent_categories(2)
            .unwrap()
            .iter()
            .map(|c| (c.class, c.subclass))
            .collect();
        assert_eq!(recent, [(1, 1), (1, 2)]);
        assert_eq!(f.client.recent_categories(9).unwrap().len(), 3);
    }
}
