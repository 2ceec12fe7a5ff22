//! The evaluation formula on a hand-computed example.

use super::*;
use crate::caseflow::Source;
use crate::caseflow::event::Satisfaction;
use crate::ids::UserId;
use crate::time::Timestamp;

const PERIOD: Period = Period {
    from: Timestamp(1000),
    to: Timestamp(2000),
};

fn t(ms: i64) -> Option<Timestamp> {
    Some(Timestamp(ms))
}

fn dispatched(department: i64, at: i64, source: Source) -> CaseRecord {
    CaseRecord {
        registered: true,
        department: Some(department),
        dispatched_at: t(at),
        handle_deadline: t(1200),
        close_deadline: t(1400),
        ..CaseRecord::new(source, "320508001", Timestamp(at - 10))
    }
}

/// Department 1: six cases in the three periods before (baseline 2) and four in the period:
/// A handled and closed on time (+1.5 bonus); B a hotline complaint handled and closed late,
/// reworked once, supervised, 基本满意; C handled on time, not closed; D a public complaint
/// not handled. Department 2: one case, everything on time, no history.
fn example() -> Vec<CaseRecord> {
    let mut records: Vec<CaseRecord> = (0..6)
        .map(|i| dispatched(1, -1900 + i * 400, Source::Patrol))
        .collect();
    records.push(CaseRecord {
        handled_at: t(1100),
        closed_at: t(1300),
        bonus_tenths: 15,
        ..dispatched(1, 1000, Source::Patrol)
    });
    records.push(CaseRecord {
        handled_at: t(1500),
        closed_at: t(1600),
        close_deadline: t(1550),
        reworks: 1,
        supervised: true,
        satisfaction: Some(Satisfaction::Basic),
        ..dispatched(1, 1050, Source::Hotline)
    });
    records.push(CaseRecord {
        handled_at: t(1100),
        ..dispatched(1, 1060, Source::Patrol)
    });
    records.push(dispatched(1, 1999, Source::Public));
    records.push(CaseRecord {
        handled_at: t(1100),
        closed_at: t(1200),
        ..dispatched(2, 1500, Source::Patrol)
    });
    // Dispatched after the period: not counted.
    records.push(dispatched(1, 2000, Source::Patrol));
    records
}

#[test]
fn department_scores_by_the_seed_formula() {
    let records = example();
    let scores = evaluate_departments(
        &records,
        &history_counts(&records, PERIOD),
        &[1, 2, 3],
        PERIOD,
    );
    let one = &scores[0];
    assert_eq!(
        (
            one.received,
            one.handled,
            one.handled_in_time,
            one.closed,
            one.closed_in_time
        ),
        (4, 3, 2, 2, 1)
    );
    assert_eq!(
        (one.reworked, one.public_complaints, one.satisfied),
        (1, 2, 1)
    );
    assert_eq!(one.baseline, 2.0);
    assert_eq!(one.incidence_rate, 2.0);
    assert_eq!(
        (
            one.handling_rate,
            one.timely_handling_rate,
            one.closing_rate
        ),
        (0.75, 0.5, 0.5)
    );
    assert_eq!(
        (
            one.timely_closing_rate,
            one.intact_rate,
            one.satisfaction_rate
        ),
        (0.25, 0.75, 0.5)
    );
    assert_eq!((one.supervision_deduction, one.proactive_bonus), (1.0, 1.5));
    // 0 + 11.25 + 7.5 + 7.5 + 3.75 + 11.25 + 5 − 1 + 1.5
    assert_eq!(one.score, 46.75);
    assert_eq!((one.grade, one.grade_label), (Grade::Fail, "不合格"));
    let two = &scores[1];
    assert_eq!(
        (two.received, two.incidence_rate, two.score),
        (1, 1.0, 100.0)
    );
    assert_eq!(two.grade_label, "优秀");
    // No cases at all: every rate is met, full marks.
    assert_eq!((scores[2].department, scores[2].score), (3, 100.0));
}

#[test]
fn fewer_cases_than_the_baseline_earn_extra_and_more_never_go_below_zero() {
    let mut records: Vec<CaseRecord> = (0..6)
        .map(|i| dispatched(1, -1900 + i * 400, Source::Patrol))
        .collect();
    let done = CaseRecord {
        handled_at: t(1100),
        closed_at: t(1200),
        ..dispatched(1, 1000, Source::Patrol)
    };
    records.push(done.clone());
    // 发案率 0.5: the item is 1.5 × 15 = 22.5, plus 75 + 10.
    assert_eq!(
        evaluate_departments(&records, &history_counts(&records, PERIOD), &[], PERIOD)[0].score,
        107.5
    );
    records.extend(std::iter::repeat_n(done, 9));
    // 发案率 5: the item is 0, not −45.
    assert_eq!(
        evaluate_departments(&records, &history_counts(&records, PERIOD), &[], PERIOD)[0].score,
        85.0
    );
}

#[test]
fn grades_at_their_boundaries() {
    let check = |score, grade: Grade| assert_eq!(Grade::of(score), grade, "{score}");
    check(100.0, Grade::Excellent);
    check(90.0, Grade::Excellent);
    check(89.99, Grade::Good);
    check(80.0, Grade::Good);
    check(79.99, Grade::Pass);
    check(60.0, Grade::Pass);
    check(59.99, Grade::Fail);
}

#[test]
fn inspector_and_area_figures() {
    let inspector = UserId::new();
    let report = |registered, at| CaseRecord {
        reporter: Some(inspector),
        registered,
        ..CaseRecord::new(Source::Patrol, "320508002", Timestamp(at))
    };
    let records = vec![
        report(true, 1100),
        report(true, 1200),
        report(false, 1300),
        report(true, 900),
        CaseRecord {
            verifier: Some(inspector),
            verify_assigned_at: t(1100),
            verified_at: t(1150),
            verify_deadline: t(1200),
            checker: Some(inspector),
            check_assigned_at: t(1300),
            checked_at: t(1600),
            check_deadline: t(1500),
            ..CaseRecord::new(Source::Public, "320508001", Timestamp(1050))
        },
        CaseRecord {
            verifier: Some(inspector),
            verify_assigned_at: t(1400),
            verify_deadline: t(1500),
            ..CaseRecord::new(Source::Public, "320508001", Timestamp(1350))
        },
    ];
    let figures = evaluate_inspectors(&records, PERIOD);
    assert_eq!(figures.len(), 1);
    let f = &figures[0];
    assert_eq!((f.reported, f.valid), (3, 2));
    assert!((f.valid_rate - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(
        (f.verify_tasks, f.verified_in_time, f.timely_verify_rate),
        (2, 1, 0.5)
    );
    assert_eq!(
        (f.check_tasks, f.checked_in_time, f.timely_check_rate),
        (1, 0, 0.0)
    );
    let areas = evaluate_areas(&records, PERIOD);
    let summary: Vec<(&str, u64, u64)> = areas
        .iter()
        .map(|a| (a.area.as_str(), a.reported, a.registered))
        .collect();
    assert_eq!(summary, vec![("320508001", 2, 0), ("320508002", 3, 2)]);
}

#[test]
fn csv_has_chinese_headers_and_quotes_fields() {
    let records = example();
    let scores = evaluate_departments(&records, &history_counts(&records, PERIOD), &[1], PERIOD);
    let csv = departments_csv(&scores, |_| "环卫处, 一队".to_string());
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("部门,发案数,基准值,发案率"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "\"环卫处, 一队\",4,2.00,2.0000,3,75.00,50.00,2,50.00,25.00,75.00,50.00,1.0,1.5,46.75,不合格"
    );
    assert_eq!(lines.len(), 3, "header, department 1 and department 2");
}
