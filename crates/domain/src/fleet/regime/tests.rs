use super::due::seasonal_due;
use super::*;
use crate::MachineId;
use crate::fleet::machine::tests::d;
use crate::fleet::meter::MeterState;
use crate::fleet::meter::{MeterNow, MeterSnapshot};

pub(crate) fn maz_regime() -> Regime {
    Regime::new(
        RegimeId::new_at(1, [0; 10]),
        ModelId::new_at(1, [0; 10]),
        None,
        Interval::km(20_000).and_days(180),
        vec![CycleLevel { kind: ServiceKind::To1, every: 1 }, CycleLevel { kind: ServiceKind::To2, every: 4 }],
        vec![
            Seasonal { kind: ServiceKind::Spring, month: 4, day: 15, window_days: 45 },
            Seasonal { kind: ServiceKind::Autumn, month: 10, day: 15, window_days: 45 },
        ],
        vec![],
    )
    .expect("valid regime")
}

pub(crate) fn mtz_regime() -> Regime {
    Regime::new(
        RegimeId::new_at(2, [0; 10]),
        ModelId::new_at(2, [0; 10]),
        None,
        Interval::engine_hours(125),
        vec![
            CycleLevel { kind: ServiceKind::To1, every: 1 },
            CycleLevel { kind: ServiceKind::To2, every: 4 },
            CycleLevel { kind: ServiceKind::To3, every: 2 },
        ],
        vec![],
        vec![],
    )
    .expect("valid regime")
}

fn op(code: &str, hours: &str) -> Operation {
    Operation { code: code.into(), standard_hours: hours.parse().expect("hours") }
}

fn need(part: &str, qty: u32) -> PartNeed {
    PartNeed { part: PartNumber::parse(part).expect("part"), qty }
}

#[test]
fn service_content_is_checked_and_replaced() {
    let maz = maz_regime();
    let to1 = ServiceContent {
        kind: ServiceKind::To1,
        operations: vec![op(" oil-engine ", "1.5"), op("filter-fuel", "0.5")],
        parts: vec![need("240-1017010", 1)],
    };
    let revised = maz.with_content(to1).expect("valid content");
    let stored = revised.content(ServiceKind::To1).expect("content");
    assert_eq!(stored.operations[0].code, "oil-engine", "codes are trimmed");
    assert_eq!(stored.parts.len(), 1);
    // A second save replaces the first; empty lists remove the content.
    let again = revised
        .with_content(ServiceContent { kind: ServiceKind::To1, operations: vec![op("wash", "0.3")], parts: vec![] })
        .expect("replaced");
    assert_eq!(again.content(ServiceKind::To1).map(|c| c.operations.len()), Some(1));
    assert_eq!(again.contents().len(), 1);
    let cleared = again
        .with_content(ServiceContent { kind: ServiceKind::To1, operations: vec![], parts: vec![] })
        .expect("cleared");
    assert!(cleared.content(ServiceKind::To1).is_none());
    // The rest of the regime is untouched.
    assert_eq!((cleared.base(), cleared.cycle(), cleared.seasonal()), (maz.base(), maz.cycle(), maz.seasonal()));

    let refused = |content: ServiceContent| maz.with_content(content).expect_err("refused");
    let empty = |kind| ServiceContent { kind, operations: vec![], parts: vec![] };
    assert_eq!(refused(empty(ServiceKind::To3)), ContentError::ServiceAbsent { kind: ServiceKind::To3 });
    let with_ops = |ops| ServiceContent { operations: ops, ..empty(ServiceKind::To2) };
    assert_eq!(refused(with_ops(vec![op("a", "1"), op("  ", "1")])), ContentError::EmptyCode { position: 2 });
    assert_eq!(
        refused(with_ops(vec![op("a", "1"), op("a", "2")])),
        ContentError::DuplicateOperation { code: "a".into() }
    );
    let zero = refused(with_ops(vec![op("a", "0")]));
    assert_eq!((zero.field(), zero.value()), ("operations", "a: 0".to_string()));
    assert!(matches!(refused(with_ops(vec![op("a", "200.5")])), ContentError::BadHours { .. }));
    assert!(maz.with_content(with_ops(vec![op("a", "200")])).is_ok(), "200 hours is the limit");
    let with_parts = |parts| ServiceContent { parts, ..empty(ServiceKind::Spring) };
    let zero = refused(with_parts(vec![need("P-1", 0)]));
    assert_eq!((zero.key(), zero.field()), ("fleet.error.content_zero_quantity", "parts"));
    assert_eq!(
        refused(with_parts(vec![need("P-1", 1), need("P-1", 2)])),
        ContentError::DuplicatePart { part: PartNumber::parse("P-1").expect("part") }
    );
}

#[test]
fn standard_factors_are_the_categories_and_climates() {
    for category in [OperatingCategory::I, OperatingCategory::III, OperatingCategory::V] {
        for climate in [Climate::Temperate, Climate::Cold, Climate::VeryCold] {
            let f = CorrectionFactors::of(category, climate);
            assert_eq!(CorrectionFactors::standard(f.operating, f.climate), Some(f));
        }
    }
    assert_eq!(CorrectionFactors::standard(850, 900), None);
    assert_eq!(CorrectionFactors::standard(1000, 700), None);
}

#[test]
fn factors_multiply_intervals() {
    let khv = CorrectionFactors::of(OperatingCategory::III, Climate::Cold);
    // 20,000 × 0.8 × 0.9 = 14,400.
    assert_eq!(khv.apply(20_000), 14_400);
    // 125 × 0.9 = 112.5, rounded half up to 113.
    assert_eq!(CorrectionFactors::of(OperatingCategory::I, Climate::Cold).apply(125), 113);
    assert_eq!(CorrectionFactors::NEUTRAL.apply(7), 7);
    assert_eq!(CorrectionFactors { operating: 1, climate: 1 }.apply(7), 1);
}

#[test]
fn nested_cycles_name_the_right_service() {
    let mtz = mtz_regime();
    assert_eq!(mtz.cycle_length(), 8);
    let kinds: Vec<_> = (1..=8).filter_map(|s| mtz.kind_at(s)).collect();
    use ServiceKind::*;
    // 125 h: ТО-1, 250, 375, 500: ТО-2, 625, 750, 875, 1,000: ТО-3.
    assert_eq!(kinds, vec![To1, To1, To1, To2, To1, To1, To1, To3]);
    assert_eq!(mtz.next_step(8), 1);
    let maz = maz_regime();
    assert_eq!(maz.cycle_length(), 4);
    assert_eq!(maz.kind_at(4), Some(To2));
    assert_eq!(maz.kind_at(3), Some(To1));
}

#[test]
fn step_after_keeps_omitted_higher_service_next() {
    let mtz = mtz_regime();
    use ServiceKind::*;
    assert_eq!(mtz.step_after(0, To1), Some(1));
    // Step 4 (ТО-2) was due but only a ТО-1 was done: the ТО-2 stays next.
    assert_eq!(mtz.step_after(3, To1), Some(3));
    assert_eq!(mtz.step_after(3, To2), Some(4));
    // A ТО-2 done early at step 2 jumps to step 4.
    assert_eq!(mtz.step_after(1, To2), Some(4));
    // A ТО-3 done at step 5 jumps to 8; the cycle wraps after it.
    assert_eq!(mtz.step_after(5, To3), Some(8));
    assert_eq!(mtz.step_after(8, To1), Some(1));
    assert_eq!(mtz.step_after(1, Spring), None);
}

#[test]
fn regime_checks() {
    let id = RegimeId::new_at(9, [0; 10]);
    let model = ModelId::new_at(9, [0; 10]);
    let l = |kind, every| CycleLevel { kind, every };
    assert_eq!(
        Regime::new(id, model, None, Interval::default(), vec![], vec![], vec![]),
        Err(RegimeError::Empty { regime: id })
    );
    assert_eq!(
        Regime::new(id, model, None, Interval::default(), vec![l(ServiceKind::To1, 1)], vec![], vec![]),
        Err(RegimeError::NoBaseInterval { regime: id })
    );
    assert!(matches!(
        Regime::new(
            id,
            model,
            None,
            Interval::km(1),
            vec![l(ServiceKind::To1, 1), l(ServiceKind::To2, 1)],
            vec![],
            vec![]
        ),
        Err(RegimeError::BadEvery { level: 1, every: 1, .. })
    ));
    let feb29 = Seasonal { kind: ServiceKind::Spring, month: 2, day: 29, window_days: 0 };
    assert!(matches!(
        Regime::new(id, model, None, Interval::default(), vec![], vec![feb29], vec![]),
        Err(RegimeError::BadSeasonDay { .. })
    ));
}

#[test]
fn cycles_are_ordered_from_what_each_service_replaces() {
    use ServiceKind::*;
    let id = RegimeId::new_at(9, [0; 10]);
    let s = |kind, replaces, every| CycleService { kind, replaces, every };
    // Stated in any order, the chain comes out lowest first.
    let levels = order_cycle(id, &[s(To3, Some(To2), 2), s(To1, None, 0), s(To2, Some(To1), 4)]).expect("chain");
    assert_eq!(
        levels,
        vec![
            CycleLevel { kind: To1, every: 1 },
            CycleLevel { kind: To2, every: 4 },
            CycleLevel { kind: To3, every: 2 }
        ]
    );
    assert_eq!(
        order_cycle(id, &[s(To1, None, 1), s(To2, Some(To2), 4)]),
        Err(RegimeError::NestsItself { regime: id, kind: To2 })
    );
    assert_eq!(
        order_cycle(id, &[s(To1, None, 1), s(To2, None, 4)]),
        Err(RegimeError::TwoLowestServices { regime: id, kind: To2 })
    );
    assert_eq!(
        order_cycle(id, &[s(To2, Some(To1), 4)]),
        Err(RegimeError::ReplacesAbsent { regime: id, kind: To2, replaces: To1 })
    );
    assert_eq!(
        order_cycle(id, &[s(To1, None, 1), s(To2, Some(To1), 4), s(To3, Some(To1), 2)]),
        Err(RegimeError::ReplacedTwice { regime: id, kind: To3, replaces: To1 })
    );
    assert_eq!(
        order_cycle(id, &[s(To2, Some(To3), 2), s(To3, Some(To2), 2)]),
        Err(RegimeError::NoLowestService { regime: id })
    );
    assert_eq!(
        order_cycle(id, &[s(To1, None, 1), s(To2, Some(To3), 2), s(To3, Some(To2), 2)]),
        Err(RegimeError::NestingLoop { regime: id, kind: To2 })
    );
    assert_eq!(order_cycle(id, &[]), Ok(vec![]));
}

#[test]
fn a_revised_regime_keeps_its_identity_and_is_checked() {
    use ServiceKind::*;
    let mtz = mtz_regime();
    assert_eq!(mtz.cycle_services()[2], CycleService { kind: To3, replaces: Some(To2), every: 2 });
    assert_eq!(mtz.level_interval(2), Some(Interval::engine_hours(1_000)));
    let s = |kind, replaces, every| CycleService { kind, replaces, every };
    // ТО-2 every 2nd ТО-1 and no ТО-3: the 2nd step is now a ТО-2.
    let revised = mtz.revised(mtz.base(), &[s(To1, None, 1), s(To2, Some(To1), 2)], vec![]).expect("valid");
    assert_eq!((revised.id(), revised.model()), (mtz.id(), mtz.model()));
    assert_eq!(revised.kind_at(2), Some(To2));
    assert_eq!(revised.cycle_length(), 2);
    assert_eq!(
        mtz.revised(Interval::default(), &mtz.cycle_services(), vec![]),
        Err(RegimeError::NoBaseInterval { regime: mtz.id() })
    );
    assert_eq!(
        mtz.revised(Interval::engine_hours(0), &mtz.cycle_services(), vec![]),
        Err(RegimeError::ZeroInterval { regime: mtz.id() })
    );
    for (interval, value, max) in [
        (Interval::engine_hours(u32::MAX), u32::MAX, 1_000_000),
        (Interval::km(10_000_001), 10_000_001, 10_000_000),
        (Interval::engine_hours(250).and_days(Interval::MAX_DAYS + 1), Interval::MAX_DAYS + 1, Interval::MAX_DAYS),
    ] {
        assert_eq!(
            mtz.revised(interval, &mtz.cycle_services(), vec![]),
            Err(RegimeError::IntervalTooLarge { regime: mtz.id(), value, max })
        );
    }
    assert!(mtz.revised(Interval::engine_hours(1_000_000), &mtz.cycle_services(), vec![]).is_ok());
}

fn input<'a>(regime: &'a Regime, meters: MeterNow) -> MachineDueInput<'a> {
    MachineDueInput {
        machine: MachineId::new_at(1, [0; 10]),
        regime,
        factors: CorrectionFactors::NEUTRAL,
        commissioned_on: d(2024, 1, 1),
        meters_at_commissioning: MeterSnapshot::zero(&[MeterKind::Odometer, MeterKind::EngineHours]),
        last_cycle: None,
        last_seasonal: &[],
        meters,
    }
}

#[test]
fn next_service_whichever_comes_first() {
    let maz = maz_regime();
    let odo = |value, per_day| MeterState { value, read_on: d(2024, 5, 1), per_day };
    // Last ТО-1 (step 3) on 1 March at 40,000 km; now 52,000 km on 1 May at 200 km/day.
    let mut i = input(&maz, MeterNow::default().with(MeterKind::Odometer, odo(52_000, 200.0)));
    i.last_cycle = Some(CycleMark {
        step: 3,
        date: d(2024, 3, 1),
        meters: MeterSnapshot::EMPTY.with(MeterKind::Odometer, 40_000),
    });
    let seasonal = [(ServiceKind::Spring, d(2024, 4, 10)), (ServiceKind::Autumn, d(2023, 10, 1))];
    i.last_seasonal = &seasonal;
    let due = next_service(&i, d(2024, 5, 2)).expect("due");
    assert_eq!(due.kind, ServiceKind::To2);
    assert_eq!(due.step, Some(4));
    assert_eq!(due.due_meters.get(MeterKind::Odometer), Some(60_000));
    // 8,000 km left at 200/day = 40 days after 1 May = 10 June; calendar 1 March + 180 = 28 Aug.
    assert_eq!(due.forecast, Some(d(2024, 6, 10)));
    assert_eq!(due.due_date, Some(d(2024, 8, 28)));
    assert_eq!(due.trigger, Some(Trigger::Meter(MeterKind::Odometer)));
    assert!(!due.overdue);

    // Slow use (20 km/day: 400 days) makes the calendar come first.
    i.meters = MeterNow::default().with(MeterKind::Odometer, odo(52_000, 20.0));
    let due = next_service(&i, d(2024, 5, 2)).expect("due");
    assert_eq!((due.forecast, due.trigger), (Some(d(2024, 8, 28)), Some(Trigger::Calendar)));

    // Khabarovsk factors: 20,000 × 0.9 = 18,000 km, 180 × 0.9 = 162 days.
    i.factors = CorrectionFactors::of(OperatingCategory::I, Climate::Cold);
    i.meters = MeterNow::default().with(MeterKind::Odometer, odo(58_500, 100.0));
    let due = next_service(&i, d(2024, 5, 2)).expect("due");
    assert_eq!(due.due_meters.get(MeterKind::Odometer), Some(58_000));
    assert!(due.overdue);
    assert_eq!(due.forecast, Some(d(2024, 5, 1)));
}

#[test]
fn seasonal_services_fall_due_yearly() {
    let spring = Seasonal { kind: ServiceKind::Spring, month: 4, day: 15, window_days: 45 };
    // Done 10 April: that counts for this spring; next is next year.
    assert_eq!(seasonal_due(&spring, d(2024, 4, 10)), Some(d(2025, 4, 15)));
    // Done in February (too early: 1 Feb + 45 = 17 March): this spring is still due.
    assert_eq!(seasonal_due(&spring, d(2024, 2, 1)), Some(d(2024, 4, 15)));
    // Never done since commissioning on 1 January 2024: spring fell due on 15 April; the
    // ТО-1 (no meters moving) only on 29 June by the calendar. Spring is the most urgent.
    let maz = maz_regime();
    let i = input(&maz, MeterNow::default());
    let due = next_service(&i, d(2024, 5, 1)).expect("due");
    assert_eq!(due.kind, ServiceKind::Spring);
    assert!(due.overdue);
    assert_eq!(due.due_date, Some(d(2024, 4, 15)));
}

#[test]
fn due_list_sorts_overdue_first_then_by_date() {
    let mtz = mtz_regime();
    let eh = |value, per_day| MeterState { value, read_on: d(2024, 6, 1), per_day };
    let mk = |n: u64, value: i64, per_day: f64| {
        let mut i = input(&mtz, MeterNow::default().with(MeterKind::EngineHours, eh(value, per_day)));
        i.machine = MachineId::new_at(n, [0; 10]);
        i
    };
    // Due at 125 h from commissioning: machine 1 is at 130 (overdue), machine 2 at 100 with
    // 5 h/day (5 days: 6 June), machine 3 at 25 with 10 h/day (10 days: 11 June), machine 4
    // stands still (no forecast).
    let inputs = [mk(4, 0, 0.0), mk(3, 25, 10.0), mk(2, 100, 5.0), mk(1, 130, 8.0)];
    let list = due_list(&inputs, d(2024, 6, 2));
    let order: Vec<_> = list.iter().map(|d| d.machine).collect();
    let ids: Vec<_> = [1, 2, 3, 4].iter().map(|&n| MachineId::new_at(n, [0; 10])).collect();
    assert_eq!(order, ids);
    assert!(list[0].overdue && !list[1].overdue);
    assert_eq!(list[1].forecast, Some(d(2024, 6, 6)));
    assert_eq!(list[2].forecast, Some(d(2024, 6, 11)));
    assert_eq!(list[3].forecast, None);
}
