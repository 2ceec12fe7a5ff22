//! 工作日历: which days are working days (weekdays, less public holidays, plus make-up
//! workdays) and which hours of them count, as configurable data; working time between two
//! instants and the instant a working-time budget runs out.

use crate::china_time::{day_of_civil, parse_date, weekday};
use crate::time::Timestamp;
use serde::Deserialize;
use std::collections::BTreeSet;
use thiserror::Error;

const DEFAULT_CALENDAR: &str = include_str!("../../data/calendar.toml");
const MS_PER_MINUTE: i64 = 60_000;
/// Working time is never counted across more than this many days (ten years).
const MAX_SPAN_DAYS: i64 = 3_660;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error("工作日历格式错误: {0}")]
    Format(String),
    #[error("工作日历日期无效: {0}")]
    BadDate(String),
    #[error("工作时间段无效: {0} (需要 HH:MM-HH:MM,按时间先后且不重叠)")]
    BadHours(String),
}

/// The calendar as a city writes it (TOML).
#[derive(Clone, Debug, Deserialize)]
pub struct CalendarConfig {
    pub utc_offset_minutes: i32,
    /// `HH:MM-HH:MM` periods of a working day, in order.
    pub working_hours: Vec<String>,
    /// 法定节假日 (days off even on a weekday).
    #[serde(default)]
    pub holidays: Vec<String>,
    /// 调休上班 (working days even on a weekend).
    #[serde(default)]
    pub workdays: Vec<String>,
}

/// A checked working calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    offset_ms: i64,
    /// Working periods of a day as (start, end) milliseconds after local midnight.
    periods: Vec<(i64, i64)>,
    holidays: BTreeSet<i64>,
    workdays: BTreeSet<i64>,
}

impl WorkCalendar {
    /// The shipped calendar (`data/calendar.toml`).
    pub fn builtin() -> WorkCalendar {
        WorkCalendar::from_toml(DEFAULT_CALENDAR).expect("the built-in calendar is valid")
    }

    pub fn from_toml(text: &str) -> Result<WorkCalendar, CalendarError> {
        let config: CalendarConfig =
            toml::from_str(text).map_err(|e| CalendarError::Format(e.to_string()))?;
        WorkCalendar::new(&config)
    }

    pub fn new(config: &CalendarConfig) -> Result<WorkCalendar, CalendarError> {
        let dates = |list: &[String]| {
            list.iter()
                .map(|s| parse_date(s).ok_or_else(|| CalendarError::BadDate(s.clone())))
                .collect::<Result<BTreeSet<i64>, _>>()
        };
        let mut periods = Vec::new();
        for text in &config.working_hours {
            let bad = || CalendarError::BadHours(text.clone());
            let (from, to) = text.split_once('-').ok_or_else(bad)?;
            let (from, to) = (minutes(from).ok_or_else(bad)?, minutes(to).ok_or_else(bad)?);
            let after_previous = periods.last().is_none_or(|&(_, end)| from >= end);
            if from >= to || !after_previous {
                return Err(bad());
            }
            periods.push((from, to));
        }
        if periods.is_empty() {
            return Err(CalendarError::BadHours("(empty)".into()));
        }
        Ok(WorkCalendar {
            offset_ms: i64::from(config.utc_offset_minutes) * MS_PER_MINUTE,
            periods,
            holidays: dates(&config.holidays)?,
            workdays: dates(&config.workdays)?,
        })
    }

    /// Working milliseconds in one working day.
    pub fn day_ms(&self) -> i64 {
        self.periods.iter().map(|(a, b)| b - a).sum()
    }

    /// Whether the local day (days since 1970-01-01) is a working day.
    pub fn is_workday(&self, day: i64) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !self.holidays.contains(&day) && weekday(day) <= 5
    }

    /// Whether the local date `year-month-day` is a working day.
    /// Whether a civil date is a working day (a date that does not exist is not).
    pub fn is_working_date(&self, year: i16, month: i8, day: i8) -> bool {
        day_of_civil(year, month, day).is_some_and(|d| self.is_workday(d))
    }

    /// The local day of an instant and the milliseconds since its local midnight.
    fn local(&self, t: Timestamp) -> (i64, i64) {
        let local = t.millis() + self.offset_ms;
        (
            local.div_euclid(Timestamp::MS_PER_DAY),
            local.rem_euclid(Timestamp::MS_PER_DAY),
        )
    }

    fn instant(&self, day: i64, ms: i64) -> Timestamp {
        Timestamp(day * Timestamp::MS_PER_DAY + ms - self.offset_ms)
    }

    /// Working milliseconds between two instants (0 if `end` is not after `start`).
    pub fn working_ms(&self, start: Timestamp, end: Timestamp) -> i64 {
        if end <= start {
            return 0;
        }
        let (first, first_ms) = self.local(start);
        let (last, last_ms) = self.local(end);
        let last = last.min(first + MAX_SPAN_DAYS);
        let mut total = 0;
        for day in first..=last {
            if !self.is_workday(day) {
                continue;
            }
            let from = if day == first { first_ms } else { 0 };
            let to = if day == last {
                last_ms
            } else {
                Timestamp::MS_PER_DAY
            };
            total += self
                .periods
                .iter()
                .map(|&(a, b)| (b.min(to) - a.max(from)).max(0))
                .sum::<i64>();
        }
        total
    }

    /// The instant at which `budget_ms` of working time after `start` is used up.
    pub fn add_working(&self, start: Timestamp, budget_ms: i64) -> Timestamp {
        let (mut day, mut from) = self.local(start);
        let mut left = budget_ms.max(0);
        let limit = day + MAX_SPAN_DAYS;
        while day <= limit {
            if self.is_workday(day) {
                for &(a, b) in &self.periods {
                    let begin = a.max(from);
                    if begin >= b {
                        continue;
                    }
                    if left <= b - begin {
                        return self.instant(day, begin + left);
                    }
                    left -= b - begin;
                }
            }
            day += 1;
            from = 0;
        }
        self.instant(limit, 0)
    }

    /// The earliest instant from which at most `left_ms` of working time remains before `end`
    /// (`working_ms(t, end) <= left_ms` exactly from then on).
    pub fn earliest_with_left(&self, end: Timestamp, left_ms: i64) -> Timestamp {
        let (mut day, mut to) = self.local(end);
        let mut left = left_ms.max(0);
        let limit = day - MAX_SPAN_DAYS;
        while day >= limit {
            if self.is_workday(day) {
                for &(a, b) in self.periods.iter().rev() {
                    let until = b.min(to);
                    if until <= a {
                        continue;
                    }
                    if left < until - a {
                        return self.instant(day, until - left);
                    }
                    left -= until - a;
                }
            }
            day -= 1;
            to = Timestamp::MS_PER_DAY;
        }
        self.instant(limit, 0)
    }
}

/// `HH:MM` as milliseconds after midnight.
fn minutes(text: &str) -> Option<i64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 24 * 60)
        .then_some((h * 60 + m) * MS_PER_MINUTE)
}
