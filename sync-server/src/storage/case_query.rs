//! The statements of a case queue, shared by both backends: the `WHERE` condition a
//! [`CaseFilter`] stands for and the page and count statements built on it, with their
//! parameters as plain values, numbered in the placeholder style of the backend that runs them.

use super::case_rows::LIST_COLUMNS;
use super::cases::CaseFilter;
use cgt_shared::caseflow::limits::Warning;

/// How a backend writes numbered statement parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Placeholder {
    /// SQLite: `?1`, `?2`, …
    Question,
    /// PostgreSQL: `$1`, `$2`, …
    Dollar,
}

/// A parameter value of a queue statement; each backend hands it to its driver.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum SqlValue {
    Int(i64),
    Text(&'static str),
    Bytes(Vec<u8>),
}

/// A statement and its parameters: `params[n - 1]` is placeholder `n`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Query {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

/// Collects parameters and writes their placeholders.
struct Binder {
    style: Placeholder,
    params: Vec<SqlValue>,
}

impl Binder {
    fn new(style: Placeholder) -> Binder {
        Binder {
            style,
            params: Vec::new(),
        }
    }

    /// Adds `value` and returns its placeholder, to be written once or more.
    fn bind(&mut self, value: SqlValue) -> String {
        self.params.push(value);
        let n = self.params.len();
        match self.style {
            Placeholder::Question => format!("?{n}"),
            Placeholder::Dollar => format!("${n}"),
        }
    }

    fn into_query(self, sql: String) -> Query {
        Query {
            sql,
            params: self.params,
        }
    }
}

/// How many cases `filter` matches (one `count(*)` column).
pub(super) fn count_query(filter: &CaseFilter, style: Placeholder) -> Query {
    let mut binder = Binder::new(style);
    let condition = condition(filter, &mut binder);
    binder.into_query(format!("SELECT count(*) FROM cases WHERE {condition}"))
}

/// The cases `filter` matches, newest first, from `offset`, at most `limit`, as `LIST_COLUMNS`.
pub(super) fn page_query(
    filter: &CaseFilter,
    style: Placeholder,
    offset: u64,
    limit: u32,
) -> Query {
    let mut binder = Binder::new(style);
    let condition = condition(filter, &mut binder);
    let limit = binder.bind(SqlValue::Int(i64::from(limit)));
    let offset = binder.bind(SqlValue::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    // The offset is skipped over keys read from an index; only the page's rows are read in
    // full (skipping whole rows made the last of 2,000 pages sixty times slower).
    binder.into_query(format!(
        "SELECT {LIST_COLUMNS} FROM cases WHERE doc_id IN (
             SELECT doc_id FROM cases WHERE {condition}
             ORDER BY reported_at DESC, doc_id DESC LIMIT {limit} OFFSET {offset})
         ORDER BY reported_at DESC, doc_id DESC"
    ))
}

/// The `WHERE` condition of `filter`, its parameters bound to `binder`.
fn condition(filter: &CaseFilter, binder: &mut Binder) -> String {
    let mut sql = String::from("1 = 1");
    if !filter.statuses.is_empty() {
        let marks: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| binder.bind(SqlValue::Text(s.as_str())))
            .collect();
        sql.push_str(&format!(" AND status IN ({})", marks.join(", ")));
    }
    if filter.open {
        sql.push_str(" AND status NOT IN ('withdrawn', 'rejected', 'duplicate', 'closed')");
    }
    if let Some(d) = filter.department {
        let d = binder.bind(SqlValue::Int(d));
        sql.push_str(&format!(" AND department = {d}"));
    }
    if let Some(u) = filter.assignee {
        let u = binder.bind(SqlValue::Bytes(u.as_bytes().to_vec()));
        sql.push_str(&format!(
            " AND (verify_assignee = {u} OR check_assignee = {u})"
        ));
    }
    if filter.supervised {
        sql.push_str(" AND supervised = 1");
    }
    if filter.in_conflict {
        sql.push_str(" AND in_conflict = 1");
    }
    if let Some(s) = filter.source {
        let s = binder.bind(SqlValue::Text(s.as_str()));
        sql.push_str(&format!(" AND source = {s}"));
    }
    if let Some((colour, now)) = filter.warning {
        // The colours of `api::case_view::warning_at`: yellow from `step_yellow_at`, red past
        // the deadline, except on hold (the clock stands still; it never turns red).
        let now = binder.bind(SqlValue::Int(now.millis()));
        sql.push_str(&match colour {
            Warning::Green => format!(" AND step_deadline IS NOT NULL AND {now} < step_yellow_at"),
            Warning::Yellow => format!(
                " AND step_deadline IS NOT NULL AND {now} >= step_yellow_at
                  AND (on_hold = 1 OR {now} <= step_deadline)"
            ),
            Warning::Red => {
                format!(" AND step_deadline IS NOT NULL AND on_hold = 0 AND {now} > step_deadline")
            }
        });
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::caseflow::event::CaseStatus;
    use cgt_shared::{Timestamp, UserId};

    #[test]
    fn placeholders_are_numbered_in_the_backends_style() {
        let user = UserId::new();
        let filter = CaseFilter {
            statuses: vec![CaseStatus::Closed],
            assignee: Some(user),
            warning: Some((Warning::Yellow, Timestamp(7))),
            ..CaseFilter::default()
        };
        let dollar = page_query(&filter, Placeholder::Dollar, 40, 20);
        assert!(dollar.sql.contains("status IN ($1)"));
        assert!(
            dollar
                .sql
                .contains("verify_assignee = $2 OR check_assignee = $2")
        );
        assert!(dollar.sql.contains("$3 >= step_yellow_at"));
        assert!(dollar.sql.contains("LIMIT $4 OFFSET $5"));
        assert_eq!(
            dollar.params,
            vec![
                SqlValue::Text("closed"),
                SqlValue::Bytes(user.as_bytes().to_vec()),
                SqlValue::Int(7),
                SqlValue::Int(20),
                SqlValue::Int(40),
            ]
        );
        let question = count_query(&filter, Placeholder::Question);
        assert!(question.sql.contains("status IN (?1)"));
        assert!(question.sql.contains("?3 <= step_deadline"));
        assert_eq!(question.params.len(), 3);
    }
}
