//! The day-by-day simulation of one demo machine: work, meters, services, failures and their
//! work orders.

#[allow(clippy::wildcard_imports, reason = "the simulation is the generator's own inner part")]
use super::*;

/// The day-by-day simulation of one machine.
pub(super) struct Sim<'a> {
    pub(super) cat: &'a DemoCatalog,
    pub(super) rng: XorShift,
    pub(super) out: &'a mut DemoMachine,
    pub(super) profile: UsageProfile,
    pub(super) regime: &'a Regime,
    pub(super) owner: &'a DemoOwner,
    pub(super) next_ms: u64,
}

const LABOUR_RATE_KOPECKS: i64 = 250_000;

impl Sim<'_> {
    fn push_state(&mut self, day: NaiveDate, state: DayState) {
        if state == DayState::Standby {
            return;
        }
        let next = day.succ_opt().unwrap_or(day);
        if let Some(last) = self.out.states.last_mut()
            && last.state == state
            && last.to == day
        {
            last.to = next;
            return;
        }
        self.out.states.push(StateSpan { from: day, to: next, state });
    }

    fn order_id(&mut self) -> WorkOrderId {
        self.next_ms += 1;
        WorkOrderId::new_at(self.next_ms / 64, self.rng.bytes10())
    }

    fn reading_id(&mut self) -> MeterReadingId {
        self.next_ms += 1;
        MeterReadingId::new_at(self.next_ms / 64, self.rng.bytes10())
    }

    fn is_working_day(&mut self, day: NaiveDate) -> bool {
        match self.out.kind {
            MachineKind::MiningTruck => self.rng.chance(0.93),
            MachineKind::Harvester => {
                let doy = day.ordinal();
                (200..=290).contains(&doy) && self.rng.chance(0.85)
            }
            _ => match day.weekday() {
                Weekday::Sun => self.rng.chance(0.05),
                Weekday::Sat => self.rng.chance(0.35),
                _ => self.rng.chance(0.88),
            },
        }
    }

    fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
        day.and_hms_opt(hour, 0, 0).unwrap_or_default()
    }

    /// A work order opened on `day` and closed `days` later.
    fn order(&mut self, kind: WorkOrderKind, day: NaiveDate, days: u64, meters: MeterSnapshot) -> WorkOrder {
        let id = self.order_id();
        let mut o = WorkOrder::new(id, self.out.machine.id, kind, Self::at(day, 8), meters);
        o.downtime_start = Some(Self::at(day, 8));
        let end = day.checked_add_days(Days::new(days)).unwrap_or(day);
        o.downtime_end = Some(Self::at(end, 17));
        o
    }

    fn finish(&mut self, mut o: WorkOrder, day: NaiveDate, end: NaiveDate, close_by: NaiveDate) {
        let _ = o.apply(Action::Start, Self::at(day, 9));
        let done = Self::at(end, 16);
        let _ = o.apply(Action::Finish, done);
        if end < close_by {
            let _ = o.apply(Action::SignOff { by: "Представитель заказчика".into() }, Self::at(end, 17));
            let _ = o.apply(Action::Close, Self::at(end, 17));
        }
        if let Ok(cost) = o.cost(Money::new(LABOUR_RATE_KOPECKS, Currency::Rub)) {
            self.out.costs.push(CostEntry { date: end, minor: cost.total.minor - cost.under_warranty.minor });
        }
        self.out.work_orders.push(o);
    }

    pub(super) fn run(mut self, from: NaiveDate, until: NaiveDate, config: &DemoConfig) {
        let (mut km, mut hours, mut fuel) = (0.0f64, 0.0f64, 0.0f64);
        let mut down: Vec<DayState> = Vec::new(); // states still to come, last first
        let mut scheduled: Option<(NaiveDate, NaiveDate, ServiceKind, Option<u32>)> = None; // (due, on, kind, step)
        let mut step = 0u32;
        let diligence = f64::from(self.owner.diligence) / 100.0;
        let warranty_until = from.checked_add_days(Days::new(365)).unwrap_or(from);
        let mut day = from;
        let mut n = 0u32;
        while day < until {
            let snapshot = MeterSnapshot([
                self.out.meters.iter().any(|m| m.kind == MeterKind::Odometer).then_some(km as i64),
                Some(hours as i64),
                Some(fuel as i64),
            ]);
            if let Some(state) = down.pop() {
                self.push_state(day, state);
            } else {
                // Is a service due? Ask the regime (meters standing: overdue means reached).
                if scheduled.is_none() {
                    let input = MachineDueInput {
                        machine: self.out.machine.id,
                        regime: self.regime,
                        factors: self.out.machine.factors,
                        commissioned_on: from,
                        meters_at_commissioning: MeterSnapshot([Some(0); 3]),
                        last_cycle: self.out.last_cycle,
                        last_seasonal: &self.out.last_seasonal,
                        meters: MeterNow(snapshot.0.map(|v| {
                            v.map(|value| accord_domain::fleet::meter::MeterState { value, read_on: day, per_day: 0.0 })
                        })),
                    };
                    if let Some(due) = next_service(&input, day)
                        && (due.overdue || due.forecast == Some(day))
                    {
                        let late = if self.rng.chance(0.55 + 0.4 * diligence) { 0 } else { self.rng.between(1, 12) };
                        let on = day.checked_add_days(Days::new(late)).unwrap_or(day);
                        scheduled = Some((day, on, due.kind, due.step));
                    }
                }
                match scheduled {
                    Some((due_day, on, kind, due_step)) if on <= day => {
                        scheduled = None;
                        let level = self.regime.level_of(kind).unwrap_or(0);
                        let days = 1 + level as u64 / 2;
                        self.push_state(day, DayState::Maintenance);
                        for _ in 1..days {
                            down.push(DayState::Maintenance);
                        }
                        self.out.services.push(ServiceDone { due: due_day, done: Some(day) });
                        match due_step {
                            Some(_) => {
                                step = self.regime.step_after(step, kind).unwrap_or(step);
                                self.out.last_cycle = Some(CycleMark { step, date: day, meters: snapshot });
                            }
                            None => match self.out.last_seasonal.iter_mut().find(|(k, _)| *k == kind) {
                                Some(entry) => entry.1 = day,
                                None => self.out.last_seasonal.push((kind, day)),
                            },
                        }
                        self.service_order(kind, day, days - 1, snapshot, until);
                    }
                    _ if self.is_working_day(day) => {
                        self.push_state(day, DayState::Working);
                        let f = 0.6 + 0.8 * self.rng.unit();
                        let h = self.profile.hours_per_day * f;
                        hours += h;
                        km += self.profile.km_per_day * f;
                        fuel += h * self.profile.fuel_per_hour * (0.85 + 0.3 * self.rng.unit());
                        if self.rng.chance(self.profile.failure_per_day) {
                            self.failure(day, &mut down, diligence, snapshot, day < warranty_until, until);
                        }
                    }
                    _ => {}
                }
            }
            // Readings.
            n += 1;
            if (n * config.readings_per_week) / 7 != ((n - 1) * config.readings_per_week) / 7 {
                self.read_meters(day, [km as i64, hours as i64, fuel as i64]);
            }
            if self.rng.chance(f64::from(config.small_jobs_per_year) / 365.0) {
                let mut o = self.order(WorkOrderKind::Inspection, day, 0, snapshot);
                o.downtime_start = None;
                o.downtime_end = None;
                let op = *self.rng.pick(&["diagnostics", "tyre-fitting", "adjust-brakes", "electrics"]);
                let _ = o.add_work(WorkLine {
                    operation: op.into(),
                    standard_hours: dec(10, 1),
                    actual_hours: Some(dec(5 + self.rng.below(15) as i64, 1)),
                    technician: None,
                    part: None,
                    warranty: None,
                });
                self.finish(o, day, day, until);
            }
            // Yearly inspection of road trucks (техосмотр) on the commissioning anniversary.
            if self.out.kind == MachineKind::RoadTruck && day != from && day.ordinal() == from.ordinal() {
                let mut o = self.order(WorkOrderKind::Inspection, day, 0, snapshot);
                let _ = o.add_work(WorkLine {
                    operation: "inspection".into(),
                    standard_hours: dec(15, 1),
                    actual_hours: Some(dec(15, 1)),
                    technician: None,
                    part: None,
                    warranty: None,
                });
                self.finish(o, day, day, until);
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
    }

    fn read_meters(&mut self, day: NaiveDate, values: [i64; 3]) {
        for i in 0..self.out.meters.len() {
            let kind = self.out.meters[i].kind;
            let cumulative = values[kind.index()];
            // A meter replaced once in a while: the new one starts at zero.
            if kind == MeterKind::Odometer && cumulative > 0 && self.rng.chance(0.0008) {
                let _ = self.out.meters[i].replace(day, None, 0);
            }
            let offset = self.out.meters[i].segments().last().map_or(0, |s| s.offset);
            let shown = cumulative - offset;
            if shown < 0 {
                continue;
            }
            // Now and then a mistyped reading (an extra digit), voided right after.
            if self.rng.chance(0.002) {
                let id = self.reading_id();
                if self.out.meters[i].add(Reading::new(id, day, shown * 10 + 7)).is_ok() {
                    let _ = self.out.meters[i].void(id, VoidReason::Mistyped);
                }
            }
            let id = self.reading_id();
            if self.out.meters[i].add(Reading::new(id, day, shown)).is_ok() {
                match kind {
                    MeterKind::Odometer => self.out.odometer.push((day, cumulative)),
                    MeterKind::EngineHours => self.out.engine_hours.push((day, cumulative)),
                    MeterKind::Fuel => {}
                }
            }
        }
    }

    fn service_order(
        &mut self,
        kind: ServiceKind,
        day: NaiveDate,
        extra_days: u64,
        meters: MeterSnapshot,
        until: NaiveDate,
    ) {
        let mut o = self.order(WorkOrderKind::Preventive, day, extra_days, meters);
        o.service = Some(kind);
        if let Some(content) = self.regime.content(kind) {
            for op in &content.operations {
                let actual = op.standard_hours * dec(80 + self.rng.below(50) as i64, 2);
                let _ = o.add_work(WorkLine {
                    operation: op.code.clone(),
                    standard_hours: op.standard_hours,
                    actual_hours: Some(actual.round_dp(1)),
                    technician: None,
                    part: None,
                    warranty: None,
                });
            }
            for need in &content.parts {
                let price = self.price_of(&need.part);
                let _ =
                    o.add_part(PartLine { part: need.part.clone(), qty: need.qty, unit_price: price, warranty: None });
            }
        } else {
            let _ = o.add_work(WorkLine {
                operation: kind.key().into(),
                standard_hours: dec(30, 1),
                actual_hours: Some(dec(30, 1)),
                technician: None,
                part: None,
                warranty: None,
            });
        }
        let end = day.checked_add_days(Days::new(extra_days)).unwrap_or(day);
        self.finish(o, day, end, until);
    }

    fn price_of(&self, part: &PartNumber) -> Money {
        // Oils are priced per litre.
        self.cat.part_index.get(part).map(|&i| &self.cat.parts[i]).map_or(Money::new(50_000, Currency::Rub), |p| {
            if p.number.as_str().starts_with("OIL") { Money::new(45_000, Currency::Rub) } else { p.price }
        })
    }

    fn failure(
        &mut self,
        day: NaiveDate,
        down: &mut Vec<DayState>,
        diligence: f64,
        meters: MeterSnapshot,
        under_warranty: bool,
        until: NaiveDate,
    ) {
        let repair_days = self.rng.between(1, 4);
        let parts_wait =
            if self.rng.chance(0.35) { self.rng.between(3, (8.0 + 20.0 * (1.0 - diligence)) as u64) } else { 0 };
        let tech_wait = if self.rng.chance(0.15 * (1.5 - diligence)) { self.rng.between(1, 3) } else { 0 };
        // Order of days: repair day 1, waits, then the remaining repair days.
        let mut plan = vec![DayState::Repair];
        plan.extend(std::iter::repeat_n(DayState::WaitingForTechnician, tech_wait as usize));
        plan.extend(std::iter::repeat_n(DayState::WaitingForParts, parts_wait as usize));
        plan.extend(std::iter::repeat_n(DayState::Repair, repair_days.saturating_sub(1) as usize));
        let total = plan.len() as u64;
        self.push_state(day, DayState::Repair);
        down.extend(plan.iter().skip(1).rev());
        let repair_hours = (repair_days * 8) as f64 * (0.7 + 0.6 * self.rng.unit());
        self.out.failures.push(Failure { date: day, repair_hours });
        let kind = if under_warranty && self.rng.chance(0.4) { WorkOrderKind::Warranty } else { WorkOrderKind::Repair };
        let mut o = self.order(kind, day, total - 1, meters);
        let brand = DEMO_BRANDS.iter().position(|b| *b == self.out.machine.brand).unwrap_or(0);
        let brand_parts = self.cat.brand_parts.get(brand).map_or(&[][..], Vec::as_slice);
        let n = self.rng.between(1, self.profile.repair_parts);
        for _ in 0..n {
            if brand_parts.is_empty() {
                break;
            }
            let p = &self.cat.parts[*self.rng.pick(brand_parts)];
            let (part, price) = (p.number.clone(), p.price);
            let _ = o.add_work(WorkLine {
                operation: "replace-part".into(),
                standard_hours: dec(20, 1),
                actual_hours: Some(dec((repair_hours * 10.0 / n as f64) as i64, 1)),
                technician: None,
                part: Some(part.clone()),
                warranty: None,
            });
            let _ = o.add_part(PartLine { part, qty: 1, unit_price: price, warranty: None });
        }
        if parts_wait > 0 {
            o.waits.push(accord_domain::fleet::work_order::WaitPeriod {
                reason: WaitingReason::Parts,
                from: Self::at(day, 17),
                to: day.checked_add_days(Days::new(parts_wait)).map(|d| Self::at(d, 9)),
            });
        }
        if kind == WorkOrderKind::Warranty {
            let w = accord_domain::fleet::work_order::Warranty {
                id: accord_domain::WarrantyId::new_at(self.next_ms / 64, [0; 10]),
                machine: self.out.machine.id,
                scope: accord_domain::fleet::work_order::WarrantyScope::Machine,
                from: self.out.machine.commissioned_on.unwrap_or(day),
                until: Some(day),
                meter_limit: None,
            };
            accord_domain::fleet::work_order::flag_warranty(&mut o, &[w]);
        }
        let end = day.checked_add_days(Days::new(total - 1)).unwrap_or(day);
        self.finish(o, day, end, until);
    }
}
