//! Table tests of the case loop: every action × role in every state, the story of a case,
//! the calendar arithmetic and the warning levels.

use super::calendar::WorkCalendar;
use super::limits::{Limit, Step, TimeLimits, Unit, Urgency, Warning, progress};
use super::*;
use crate::caseflow::event::{CaseStatus, EventData, EventKind, Satisfaction, WorkflowEvent};
use crate::category::Kind;
use crate::ids::{DocId, UserId};
use crate::role::Role;
use crate::time::Timestamp;

const DEPT: i64 = 2;
const PHOTO: &str = "ab00000000000000000000000000000000000000000000000000000000000000";

/// One fixed person per role; the inspector is reporter and assignee of every task.
fn actor(role: Role) -> Actor {
    let user = UserId(uuid::Uuid::from_u128(role as u128 + 1));
    Actor {
        user,
        role,
        department: (role == Role::DepartmentHandler).then_some(DEPT),
    }
}

fn facts() -> CaseFacts {
    CaseFacts {
        reporter: actor(Role::Inspector).user,
        self_handled: false,
    }
}

/// Applies actions in order through `decide`, each by the first role allowed to take it.
fn story(source: Source, actions: &[Action]) -> (CaseState, Vec<WorkflowEvent>) {
    let mut events = vec![WorkflowEvent {
        kind: EventKind::Received,
        at: Timestamp(0),
        user: None,
        role: None,
        note: String::new(),
        command: None,
        data: EventData {
            source: Some(source.as_str().into()),
            ..EventData::default()
        },
    }];
    for (i, action) in actions.iter().enumerate() {
        let state = CaseState::fold(&events);
        let role = action.kind().roles()[0];
        let drafts = decide(&state, &facts(), &actor(role), action)
            .unwrap_or_else(|e| panic!("step {i} {action:?}: {e}"));
        for draft in drafts {
            events.push(WorkflowEvent {
                kind: draft.kind,
                at: Timestamp(1000 * (i as i64 + 1)),
                user: Some(actor(role).user),
                role: Some(role),
                note: String::new(),
                command: None,
                data: draft.data,
            });
        }
    }
    (CaseState::fold(&events), events)
}

fn inspector() -> UserId {
    actor(Role::Inspector).user
}

fn path(name: &str) -> (Source, Vec<Action>) {
    use Action::*;
    let to_dispatched = vec![
        Accept { verifier: None },
        Register,
        Dispatch { department: DEPT },
    ];
    let with = |mut base: Vec<Action>, more: Vec<Action>| {
        base.extend(more);
        base
    };
    let handled = with(
        to_dispatched.clone(),
        vec![Handle {
            photos: vec![PHOTO.into()],
        }],
    );
    let checking = with(
        handled.clone(),
        vec![AssignCheck {
            inspector: inspector(),
        }],
    );
    let passed = with(
        checking.clone(),
        vec![Check {
            passed: true,
            photos: vec![],
        }],
    );
    match name {
        "reported" => (Source::Patrol, vec![]),
        "verifying" => (
            Source::Public,
            vec![Accept {
                verifier: Some(inspector()),
            }],
        ),
        "accepted" => (Source::Patrol, vec![Accept { verifier: None }]),
        "registered" => (Source::Patrol, vec![Accept { verifier: None }, Register]),
        "dispatched" => (Source::Patrol, to_dispatched),
        "extension_asked" => (
            Source::Patrol,
            with(to_dispatched, vec![RequestExtension { hours: 8 }]),
        ),
        "held" => (Source::Patrol, with(to_dispatched, vec![Hold])),
        "supervised" => (Source::Patrol, with(to_dispatched, vec![Supervise])),
        "handled" => (Source::Patrol, handled),
        "checking" => (Source::Patrol, checking),
        "check_passed" => (Source::Patrol, passed),
        "closed" => (Source::Patrol, with(passed, vec![Close])),
        "closed_public" => (
            Source::Hotline,
            vec![
                Accept {
                    verifier: Some(inspector()),
                },
                Verify {
                    exists: true,
                    photos: vec![],
                },
                Register,
                Dispatch { department: DEPT },
                Handle {
                    photos: vec![PHOTO.into()],
                },
                AssignCheck {
                    inspector: inspector(),
                },
                Check {
                    passed: true,
                    photos: vec![],
                },
                Close,
            ],
        ),
        "rejected" => (
            Source::Patrol,
            vec![Reject {
                reason: "不属于城管范围".into(),
            }],
        ),
        "withdrawn" => (Source::Patrol, vec![Withdraw]),
        other => panic!("no path {other}"),
    }
}

/// The legal actions of each state; every other action × role must be refused.
const LEGAL: &[(&str, &[ActionKind])] = {
    use ActionKind::*;
    &[
        (
            "reported",
            &[Accept, Reject, LinkDuplicate, Supervise, Withdraw],
        ),
        ("verifying", &[AssignVerify, Verify, Supervise]),
        ("accepted", &[Register, Reject, LinkDuplicate, Supervise]),
        ("registered", &[Dispatch, Hold, Supervise]),
        (
            "dispatched",
            &[
                Handle,
                RequestExtension,
                Return,
                Hold,
                Supervise,
                CreditProactive,
            ],
        ),
        (
            "extension_asked",
            &[
                Handle,
                ApproveExtension,
                DenyExtension,
                Return,
                Hold,
                Supervise,
                CreditProactive,
            ],
        ),
        ("held", &[Resume, Supervise]),
        (
            "supervised",
            &[Handle, RequestExtension, Return, Hold, CreditProactive],
        ),
        ("handled", &[AssignCheck, Supervise, CreditProactive]),
        (
            "checking",
            &[AssignCheck, Check, Supervise, CreditProactive],
        ),
        ("check_passed", &[Close, Supervise, CreditProactive]),
        ("closed", &[CreditProactive]),
        ("closed_public", &[RateSatisfaction, CreditProactive]),
        ("rejected", &[]),
        ("withdrawn", &[]),
    ]
};

#[test]
fn every_action_by_every_role_in_every_state() {
    let mut checked = 0;
    for (name, legal) in LEGAL {
        let (source, actions) = path(name);
        let (state, _) = story(source, &actions);
        for kind in ActionKind::ALL {
            for role in Role::ALL {
                let result = permits(&state, &facts(), &actor(role), kind);
                let expected = legal.contains(&kind) && kind.roles().contains(&role);
                assert_eq!(
                    result.is_ok(),
                    expected,
                    "{name}: {kind:?} by {role:?}: {result:?}"
                );
                if let Err(e) = result {
                    let message = e.to_string();
                    assert!(message.contains(role.label()), "{message}");
                    assert!(message.contains(state.status.label()), "{message}");
                    assert!(message.contains(state.status.as_str()), "{message}");
                    assert!(message.contains(kind.label()), "{message}");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, LEGAL.len() * 22 * 8);
}

#[test]
fn statuses_along_the_loop() {
    let check = |name: &str, status: CaseStatus| {
        let (source, actions) = path(name);
        assert_eq!(story(source, &actions).0.status, status, "{name}");
    };
    check("reported", CaseStatus::Reported);
    check("verifying", CaseStatus::Verifying);
    check("accepted", CaseStatus::Accepted);
    check("registered", CaseStatus::Registered);
    check("dispatched", CaseStatus::Dispatched);
    check("handled", CaseStatus::Handled);
    check("checking", CaseStatus::Checking);
    check("check_passed", CaseStatus::CheckPassed);
    check("closed", CaseStatus::Closed);
    check("closed_public", CaseStatus::Closed);
    check("rejected", CaseStatus::Rejected);
    check("withdrawn", CaseStatus::Withdrawn);
}

#[test]
fn a_failed_check_is_rework_by_the_same_department() {
    let (source, mut actions) = path("checking");
    actions.push(Action::Check {
        passed: false,
        photos: vec![],
    });
    let (state, _) = story(source, &actions);
    assert_eq!(state.status, CaseStatus::Dispatched);
    assert_eq!(state.department, Some(DEPT));
    assert_eq!(state.reworks, 1);
    assert_eq!(state.handled_at, None);
}

#[test]
fn a_return_waits_for_re_dispatch_and_extensions_add_up() {
    let (source, mut actions) = path("extension_asked");
    actions.push(Action::ApproveExtension);
    actions.push(Action::Return {
        reason: "不属于本部门".into(),
    });
    let (state, _) = story(source, &actions);
    assert_eq!(state.status, CaseStatus::Registered);
    assert_eq!(state.extension_hours, 8);
    let (state, _) = story(
        source,
        &[actions, vec![Action::Dispatch { department: 5 }]].concat(),
    );
    assert_eq!(state.department, Some(5));
}

#[test]
fn self_handled_reports_close_after_registration() {
    let self_handled = CaseFacts {
        self_handled: true,
        ..facts()
    };
    let (state, _) = story(Source::Patrol, &[Action::Accept { verifier: None }]);
    let drafts = decide(
        &state,
        &self_handled,
        &actor(Role::ShiftLeader),
        &Action::Register,
    )
    .unwrap();
    let kinds: Vec<EventKind> = drafts.into_iter().map(|d| d.kind).collect();
    assert_eq!(kinds, vec![EventKind::Registered, EventKind::Handled]);
}

#[test]
fn parameters_and_people_are_checked() {
    let (state, _) = story(Source::Patrol, &path("dispatched").1);
    let handler = actor(Role::DepartmentHandler);
    let check = |actor: &Actor, action: Action, reason: Refused| {
        let e = decide(&state, &facts(), actor, &action).unwrap_err();
        assert_eq!(e.reason, reason, "{action:?}");
    };
    check(
        &handler,
        Action::Handle { photos: vec![] },
        Refused::Invalid("需要至少一张照片 (a photo is required)".into()),
    );
    check(
        &handler,
        Action::Handle {
            photos: vec!["nope".into()],
        },
        Refused::Invalid("照片摘要无效 (photos must be SHA-256 hex)".into()),
    );
    let other = Actor {
        department: Some(DEPT + 1),
        ..handler
    };
    check(
        &other,
        Action::Handle {
            photos: vec![PHOTO.into()],
        },
        Refused::OtherDepartment,
    );
    check(
        &handler,
        Action::Return { reason: " ".into() },
        Refused::Invalid("必须填写原因 (a reason is required)".into()),
    );
    let (public, _) = story(Source::Public, &[]);
    let e = decide(
        &public,
        &facts(),
        &actor(Role::Operator),
        &Action::Accept { verifier: None },
    )
    .unwrap_err();
    assert_eq!(e.http_status(), 422);
    let (verifying, _) = story(Source::Public, &path("verifying").1);
    let stranger = Actor {
        user: UserId::new(),
        ..actor(Role::Inspector)
    };
    let e = decide(
        &verifying,
        &facts(),
        &stranger,
        &Action::Verify {
            exists: true,
            photos: vec![],
        },
    )
    .unwrap_err();
    assert_eq!((e.http_status(), e.reason), (403, Refused::NotAssignee));
    let e = decide(&state, &facts(), &actor(Role::Operator), &Action::Register).unwrap_err();
    assert_eq!(e.http_status(), 403);
    assert_eq!(
        e.to_string(),
        "「受理员」(operator) 在案件状态「处置中」(dispatched) 下不能「立案」(register): 该角色无此操作权限"
    );
}

#[test]
fn conflicts_block_everything_but_resolution_and_supervision() {
    let (_, mut events) = story(Source::Patrol, &path("dispatched").1);
    let mut marked = events[events.len() - 1].clone();
    marked.kind = EventKind::ConflictMarked;
    events.push(marked);
    let state = CaseState::fold(&events);
    let allowed = |role| allowed_actions(&state, &facts(), &actor(role));
    assert_eq!(allowed(Role::DepartmentHandler), vec![]);
    assert_eq!(allowed(Role::Admin), vec![ActionKind::ResolveConflict]);
    assert_eq!(allowed(Role::Leader), vec![ActionKind::Supervise]);
}

#[test]
fn satisfaction_is_rated_once() {
    let (source, mut actions) = path("closed_public");
    actions.push(Action::RateSatisfaction {
        satisfaction: Satisfaction::Basic,
    });
    let (state, _) = story(source, &actions);
    assert_eq!(state.satisfaction, Some(Satisfaction::Basic));
    let again = permits(
        &state,
        &facts(),
        &actor(Role::Operator),
        ActionKind::RateSatisfaction,
    );
    assert_eq!(again.unwrap_err().reason, Refused::AlreadyDone);
}

// ---- calendar ----

/// An instant in China Standard Time.
fn cst(date: &str, hh: i64, mm: i64) -> Timestamp {
    let day = crate::china_time::parse_date(date).expect("date");
    crate::china_time::midnight(day).plus_millis((hh * 60 + mm) * 60_000)
}

const H: i64 = 3_600_000;

#[test]
fn working_days_follow_holidays_and_make_up_days() {
    let cal = WorkCalendar::builtin();
    let check = |date: &str, working: bool| {
        let day = crate::china_time::parse_date(date).unwrap();
        assert_eq!(cal.is_workday(day), working, "{date}");
    };
    check("2026-11-24", true); // Tuesday
    check("2026-11-28", false); // Saturday
    check("2026-10-01", false); // 国庆, a Thursday
    check("2026-10-10", true); // 调休, a Saturday
    check("2026-09-20", true); // 调休, a Sunday
    check("2026-02-14", true); // 调休 before 春节
    check("2026-02-17", false); // 春节
    assert!(cal.is_working_date(2026, 1, 4));
}

#[test]
fn working_time_between_instants() {
    let cal = WorkCalendar::builtin();
    let check = |from: Timestamp, to: Timestamp, ms: i64| {
        assert_eq!(cal.working_ms(from, to), ms, "{from:?}..{to:?}");
    };
    // Within one morning; across lunch; a whole day is 8 working hours.
    check(cst("2026-11-24", 9, 0), cst("2026-11-24", 11, 0), 2 * H);
    check(cst("2026-11-24", 11, 0), cst("2026-11-24", 14, 30), 2 * H);
    check(cst("2026-11-24", 0, 0), cst("2026-11-25", 0, 0), 8 * H);
    // Friday 17:00 to Monday 9:30 is 2 hours (work starts at 8:30); backwards is nothing.
    check(cst("2026-11-27", 17, 0), cst("2026-11-30", 9, 30), 2 * H);
    check(cst("2026-11-30", 9, 30), cst("2026-11-27", 17, 0), 0);
    // 国庆: Sep 30 17:00 → Oct 8 9:30 (Oct 1–7 off) is 2 hours.
    check(cst("2026-09-30", 17, 0), cst("2026-10-08", 9, 30), 2 * H);
    // Saturday Oct 10 is a make-up workday: Friday Oct 9 17:00 → Oct 10 18:00 is 9 hours.
    check(cst("2026-10-09", 17, 0), cst("2026-10-10", 18, 0), 9 * H);
}

#[test]
fn deadlines_skip_nights_weekends_and_holidays() {
    let cal = WorkCalendar::builtin();
    let check = |from: Timestamp, budget: i64, deadline: Timestamp| {
        assert_eq!(cal.add_working(from, budget), deadline);
    };
    check(cst("2026-11-24", 9, 0), 2 * H, cst("2026-11-24", 11, 0));
    check(cst("2026-11-24", 11, 0), 2 * H, cst("2026-11-24", 14, 30));
    check(cst("2026-11-27", 17, 0), 4 * H, cst("2026-11-30", 11, 30));
    check(cst("2026-09-30", 17, 0), 4 * H, cst("2026-10-08", 11, 30));
    check(cst("2026-11-28", 10, 0), H, cst("2026-11-30", 9, 30));
}

#[test]
fn the_earliest_instant_with_working_time_left() {
    let cal = WorkCalendar::builtin();
    let minute = 60_000;
    // Monday 2026-12-07, 10:00 China time; the day's periods are the shipped calendar's.
    let end = cst("2026-12-07", 10, 0);
    for left in [
        0,
        1,
        minute,
        30 * minute,
        2 * 60 * minute,
        3 * cal.day_ms() + 7,
    ] {
        let t = cal.earliest_with_left(end, left);
        assert!(cal.working_ms(t, end) <= left, "left {left}");
        assert!(cal.working_ms(t.plus_millis(-1), end) > left, "left {left}");
    }
    // An end in the night: nothing is left from the end of the day's last period on.
    let night = cst("2026-12-07", 23, 0);
    let t = cal.earliest_with_left(night, 0);
    assert_eq!(cal.working_ms(t, night), 0);
    assert!(cal.working_ms(t.plus_millis(-1), night) > 0);
}

proptest::proptest! {
    #[test]
    fn earliest_with_left_is_exactly_where_working_time_drops_to_the_budget(
        end in 1_700_000_000_000i64..1_900_000_000_000,
        left in 0i64..40 * 24 * 3_600_000,
    ) {
        let cal = WorkCalendar::builtin();
        let end = Timestamp(end);
        let t = cal.earliest_with_left(end, left);
        proptest::prop_assert!(t <= end);
        proptest::prop_assert!(cal.working_ms(t, end) <= left);
        proptest::prop_assert!(cal.working_ms(t.plus_millis(-1), end) > left);
    }

    #[test]
    fn a_step_is_yellow_exactly_from_yellow_at_until_its_deadline(
        now in 1_700_000_000_000i64..1_900_000_000_000,
        before in 0i64..20 * 24 * 3_600_000,
        limit in 1i64..200 * 3_600_000,
    ) {
        let cal = WorkCalendar::builtin();
        let (now, deadline) = (Timestamp(now), Timestamp(now + before));
        let warning = Warning::of(limit - cal.working_ms(now, deadline), limit);
        let yellow = super::limits::yellow_at(&cal, deadline, limit);
        proptest::prop_assert_eq!(warning != Warning::Green, now >= yellow);
    }
}

#[test]
fn calendar_data_is_checked() {
    let bad = |text: &str| assert!(WorkCalendar::from_toml(text).is_err(), "{text}");
    bad("utc_offset_minutes = 480\nworking_hours = [\"12:00-09:00\"]");
    bad("utc_offset_minutes = 480\nworking_hours = []");
    bad("utc_offset_minutes = 480\nworking_hours = [\"09:00-12:00\", \"11:00-13:00\"]");
    bad("utc_offset_minutes = 480\nworking_hours = [\"09:00-12:00\"]\nholidays = [\"2026-02-30\"]");
}

#[test]
fn limits_by_subcategory_and_urgency() {
    let limits = TimeLimits::builtin();
    let check = |kind, class, subclass, urgency, amount, unit| {
        assert_eq!(
            limits.handle_limit(kind, class, subclass, urgency),
            Limit { amount, unit },
            "{kind:?} {class}/{subclass} {urgency:?}"
        );
    };
    check(Kind::Event, 1, 2, Urgency::Ordinary, 4, Unit::Hours);
    check(Kind::Event, 1, 2, Urgency::Urgent, 2, Unit::Hours);
    check(Kind::Component, 1, 1, Urgency::Ordinary, 2, Unit::Days);
    check(Kind::Event, 5, 1, Urgency::Ordinary, 7, Unit::Days);
    check(Kind::Event, 5, 1, Urgency::Urgent, 3, Unit::Days);
    let cal = WorkCalendar::builtin();
    assert_eq!(
        Limit {
            amount: 2,
            unit: Unit::Days
        }
        .working_ms(&cal),
        16 * H
    );
}

#[test]
fn warning_levels_with_hold_time_excluded() {
    let cal = WorkCalendar::builtin();
    let start = cst("2026-11-24", 9, 0);
    let limit = 4 * H;
    let check = |holds: &[(Timestamp, Option<Timestamp>)], now, elapsed, warning, deadline| {
        let p = progress(&cal, Step::Handle, start, limit, holds, now);
        assert_eq!(
            (p.elapsed_ms, p.warning, p.deadline),
            (elapsed, warning, deadline)
        );
    };
    let at = |hh, mm| cst("2026-11-24", hh, mm);
    check(&[], at(10, 0), H, Warning::Green, at(14, 30));
    check(
        &[],
        at(11, 12),
        2 * H + 12 * 60_000,
        Warning::Green,
        at(14, 30),
    );
    check(&[], at(14, 0), 3 * H + H / 2, Warning::Yellow, at(14, 30));
    check(&[], at(15, 0), 4 * H + H / 2, Warning::Red, at(14, 30));
    // Held 10:00–11:00: an hour does not count and the deadline moves an hour on.
    let held = [(at(10, 0), Some(at(11, 0)))];
    check(&held, at(14, 0), 2 * H + H / 2, Warning::Green, at(15, 30));
    // Still on hold since 11:00: the clock stopped at 2 hours; the deadline floats.
    let open = [(at(11, 0), None)];
    check(
        &open,
        at(16, 0),
        2 * H,
        Warning::Green,
        cst("2026-11-24", 18, 0),
    );
    // Held from Friday 17:00 to Monday 9:00: 6.5 hours before, 1 hour after.
    let friday = cst("2026-11-27", 9, 0);
    let p = progress(
        &cal,
        Step::Handle,
        friday,
        8 * H,
        &[(cst("2026-11-27", 17, 0), Some(cst("2026-11-30", 9, 0)))],
        cst("2026-11-30", 10, 0),
    );
    assert_eq!(p.elapsed_ms, 7 * H + H / 2);
    assert_eq!(p.warning, Warning::Yellow);
}

#[test]
fn warning_thresholds() {
    assert_eq!(Warning::of(79, 100), Warning::Green);
    assert_eq!(Warning::of(80, 100), Warning::Yellow);
    assert_eq!(Warning::of(100, 100), Warning::Yellow);
    assert_eq!(Warning::of(101, 100), Warning::Red);
}

#[test]
fn duplicate_links_name_the_other_case() {
    let other = DocId::new();
    let (state, events) = story(Source::Patrol, &[Action::LinkDuplicate { of: other }]);
    assert_eq!(state.status, CaseStatus::Duplicate);
    assert_eq!(events.last().unwrap().data.duplicate_of, Some(other));
}
