//! A deterministic demo fleet: Belarusian machines at organisations across Khabarovsk
//! Territory, with two years of meter readings, services, failures and work orders, a parts
//! catalogue and maintenance regimes for the main models.
//!
//! Same seed, same fleet, on every machine: a seeded xorshift generator (no extra dependency),
//! and each machine draws from its own stream (seed mixed with its index), so machine `i` is the
//! same whether 300 or 10,000 are made and [`DemoCatalog::machine`] can build them one at a time
//! (a scale benchmark need not hold five million readings at once).
//!
//! The simulation runs day by day: a machine works on working days (harvesters only in the
//! harvest season, mining trucks every day), its meters grow with its model's usage, services
//! fall due through the real [`next_service`] and are done on time or a few days late, failures
//! come at a per-model rate and take repair days, often waiting weeks for parts from Belarus.
//! The figures come out where fleets like this are: КТГ about 0.75 to 0.92, КВ 0.5 to 0.8.

use accord_domain::fleet::kpi::{CostEntry, DayState, Failure, MachineHistory, ServiceDone, StateSpan};
use accord_domain::fleet::machine::{
    Arrival, Brand, District, EngineMaker, EngineVariant, Machine, MachineKind, MachineStatus, Model, SerialNumber, Vin,
};
use accord_domain::fleet::meter::{MeterKind, MeterNow, MeterSeries, MeterSnapshot, Reading, VoidReason};
use accord_domain::fleet::parts::{PartCatalogue, PartNumber};
use accord_domain::fleet::regime::{
    Climate, CorrectionFactors, CycleLevel, CycleMark, Interval, MachineDueInput, OperatingCategory, Operation,
    PartNeed, Regime, Seasonal, ServiceContent, ServiceKind, next_service,
};
use accord_domain::fleet::work_order::{Action, PartLine, WaitingReason, WorkLine, WorkOrder, WorkOrderKind};
use accord_domain::trade::{Currency, Money};
use accord_domain::{MachineId, MeterReadingId, ModelId, OrganisationId, RegimeId, WorkOrderId};
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, Weekday};
use rust_decimal::Decimal;

/// Xorshift64* seeded through splitmix64: fast, deterministic, good enough for demo data.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        XorShift((z ^ (z >> 31)) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn bytes10(&mut self) -> [u8; 10] {
        let a = self.next_u64().to_le_bytes();
        let b = self.next_u64().to_le_bytes();
        [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]]
    }
}

/// The districts and cities of Khabarovsk Territory, with the climate of each.
pub const DISTRICTS: [(&str, Climate); 19] = [
    ("г. Хабаровск", Climate::Cold),
    ("г. Комсомольск-на-Амуре", Climate::Cold),
    ("Хабаровский район", Climate::Cold),
    ("Амурский район", Climate::Cold),
    ("Бикинский район", Climate::Cold),
    ("Вяземский район", Climate::Cold),
    ("Район имени Лазо", Climate::Cold),
    ("Нанайский район", Climate::Cold),
    ("Комсомольский район", Climate::Cold),
    ("Солнечный район", Climate::Cold),
    ("Верхнебуреинский район", Climate::Cold),
    ("Ванинский район", Climate::Cold),
    ("Советско-Гаванский район", Climate::Cold),
    ("Ульчский район", Climate::Cold),
    ("Район имени Полины Осипенко", Climate::VeryCold),
    ("Николаевский район", Climate::VeryCold),
    ("Тугуро-Чумиканский район", Climate::VeryCold),
    ("Аяно-Майский район", Climate::VeryCold),
    ("Охотский район", Climate::VeryCold),
];

const ORG_FORMS: [&str; 4] = ["ООО", "АО", "МУП", "КГУП"];
const ORG_NAMES: [&str; 20] = [
    "Дальдорстрой",
    "Амурагро",
    "Хабаровсклес",
    "Ванинский порт-сервис",
    "Бикинская нива",
    "Солнечный ГОК",
    "Вяземское АТП",
    "Нанайрыбпром",
    "Комсомольская ДЭП",
    "Ургал-Транс",
    "Лазовская МТС",
    "Амурские карьеры",
    "Николаевск-Транс",
    "Хабаровское спецавтохозяйство",
    "Охотская геология",
    "Ульчское ДРСУ",
    "Дальний Восток Агро",
    "Приамурский щебень",
    "Советская Гавань Строй",
    "Хехцир-Агро",
];

/// How a demo model is used: per working day, with noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageProfile {
    pub km_per_day: f64,
    pub hours_per_day: f64,
    /// Litres per engine hour.
    pub fuel_per_hour: f64,
    /// Chance of a failure per working day.
    pub failure_per_day: f64,
    /// Average repair cost scale (parts per repair, 1..=n).
    pub repair_parts: u64,
}

/// A demo part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPart {
    pub number: PartNumber,
    pub brand: Brand,
    pub supplier: OrganisationId,
    pub price: Money,
    pub pack: u32,
}

/// A demo organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOwner {
    pub id: OrganisationId,
    pub name: String,
    pub district: usize,
    /// 0..1: how quickly the owner gets machines repaired (lower: longer waits).
    pub diligence: u8,
}

/// Size and seed of a demo fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    pub machines: usize,
    pub owners: usize,
    pub parts: usize,
    pub start: NaiveDate,
    pub days: u32,
    /// Meter readings per week (each reading covers every meter of the machine).
    pub readings_per_week: u32,
    /// Small same-day jobs a year per machine (diagnostics, tyre fitting, adjustments).
    pub small_jobs_per_year: u32,
}

impl DemoConfig {
    /// ~300 machines at 20 owners, 500 part numbers, 2023–2024, weekly readings.
    pub fn standard() -> DemoConfig {
        DemoConfig {
            seed: 2024,
            machines: 300,
            owners: 20,
            parts: 500,
            start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
            days: 731,
            readings_per_week: 1,
            small_jobs_per_year: 6,
        }
    }

    /// A scale test: `machines` machines, three readings a week and sixteen small jobs a year
    /// (10,000 machines give about 5.5 M readings and 500k work orders over two years).
    pub fn scale(machines: usize) -> DemoConfig {
        DemoConfig {
            machines,
            owners: (machines / 15).max(20),
            readings_per_week: 3,
            small_jobs_per_year: 16,
            ..DemoConfig::standard()
        }
    }

    /// The day after the simulated period: "today" of the demo.
    pub fn today(&self) -> NaiveDate {
        self.start.checked_add_days(Days::new(u64::from(self.days))).unwrap_or(self.start)
    }
}

/// Everything shared by the machines: owners, models, regimes, parts.
#[derive(Debug, Clone)]
pub struct DemoCatalog {
    pub owners: Vec<DemoOwner>,
    pub models: Vec<Model>,
    pub engines: Vec<EngineVariant>,
    pub profiles: Vec<UsageProfile>,
    /// One per model, same index.
    pub regimes: Vec<Regime>,
    pub parts: Vec<DemoPart>,
    pub catalogue: PartCatalogue,
    /// One supplier per brand (the plant's dealer), same order as [`DEMO_BRANDS`].
    pub suppliers: Vec<OrganisationId>,
    /// Part index by number, and part indices per brand (same order as [`DEMO_BRANDS`]).
    part_index: std::collections::HashMap<PartNumber, usize>,
    brand_parts: Vec<Vec<usize>>,
}

/// The five brands of the demo.
pub const DEMO_BRANDS: [Brand; 5] = [Brand::Maz, Brand::Belaz, Brand::Mtz, Brand::Amkodor, Brand::Gomselmash];

/// One simulated machine with its history.
#[derive(Debug, Clone)]
pub struct DemoMachine {
    pub machine: Machine,
    /// Index into the catalogue's models, engines, profiles and regimes.
    pub model_index: usize,
    pub kind: MachineKind,
    pub off_books: Option<NaiveDate>,
    pub meters: Vec<MeterSeries>,
    pub work_orders: Vec<WorkOrder>,
    pub states: Vec<StateSpan>,
    pub failures: Vec<Failure>,
    pub services: Vec<ServiceDone>,
    pub costs: Vec<CostEntry>,
    pub odometer: Vec<(NaiveDate, i64)>,
    pub engine_hours: Vec<(NaiveDate, i64)>,
    pub last_cycle: Option<CycleMark>,
    pub last_seasonal: Vec<(ServiceKind, NaiveDate)>,
}

impl DemoMachine {
    /// The machine's figures input.
    pub fn history<'a>(&'a self) -> MachineHistory<'a> {
        MachineHistory {
            machine: self.machine.id,
            model: self.machine.model,
            brand: &self.machine.brand,
            owner: self.machine.owner,
            mining: self.kind == MachineKind::MiningTruck,
            on_books: self.machine.commissioned_on.unwrap_or(NaiveDate::MAX),
            off_books: self.off_books,
            states: &self.states,
            open_orders: &[],
            failures: &self.failures,
            services: &self.services,
            services_missed: &[],
            costs: &self.costs,
            odometer: &self.odometer,
            engine_hours: &self.engine_hours,
        }
    }

    /// Current meter states, usage averaged over `window_days`.
    pub fn meter_now(&self, today: NaiveDate, window_days: u32) -> MeterNow {
        let mut now = MeterNow::default();
        for s in &self.meters {
            if let Some(state) = s.state(today, window_days) {
                now = now.with(s.kind, state);
            }
        }
        now
    }

    /// The due-list input (`None` when the machine is not on the books).
    pub fn due_input<'a>(&'a self, regimes: &'a [Regime], meters: MeterNow) -> Option<MachineDueInput<'a>> {
        if !self.machine.status.on_books() {
            return None;
        }
        Some(MachineDueInput {
            machine: self.machine.id,
            regime: regimes.get(self.model_index)?,
            factors: self.machine.factors,
            commissioned_on: self.machine.commissioned_on?,
            meters_at_commissioning: MeterSnapshot::zero(&self.meter_kinds()),
            last_cycle: self.last_cycle,
            last_seasonal: &self.last_seasonal,
            meters,
        })
    }

    fn meter_kinds(&self) -> Vec<MeterKind> {
        self.meters.iter().map(|m| m.kind).collect()
    }

    /// Readings held (voided included).
    pub fn reading_count(&self) -> usize {
        self.meters.iter().flat_map(|m| m.segments()).map(|s| s.readings.len()).sum()
    }
}

/// The demo fleet.
#[derive(Debug, Clone)]
pub struct DemoFleet {
    pub config: DemoConfig,
    pub catalog: DemoCatalog,
    pub machines: Vec<DemoMachine>,
}

impl DemoFleet {
    pub fn generate(config: DemoConfig) -> DemoFleet {
        let catalog = DemoCatalog::new(&config);
        let machines = (0..config.machines).map(|i| catalog.machine(&config, i)).collect();
        DemoFleet { config, catalog, machines }
    }
}

fn dec(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

fn part_number(brand: usize, i: usize, rng: &mut XorShift) -> String {
    let group = 1000 + rng.below(8000);
    let item = 10 + rng.below(89);
    match brand {
        0 => format!("{}-{group}0{item}", ["5440", "6501", "5336", "6430"][i % 4]),
        1 => format!("7547-{group}{item}"),
        2 => format!("{}-{group}0{item}", ["80", "70", "1221", "240"][i % 4]),
        3 => format!("ТО-18Б.{group}.{item}"),
        _ => format!("КЗС-{group}.{item:02}.{}", i % 10),
    }
}

impl DemoCatalog {
    pub fn new(config: &DemoConfig) -> DemoCatalog {
        let mut rng = XorShift::new(config.seed);
        let id_at = |n: u64| 1_672_531_200_000 + n; // 2023-01-01 in Unix milliseconds
        let owners = (0..config.owners)
            .map(|i| DemoOwner {
                id: OrganisationId::new_at(id_at(i as u64), rng.bytes10()),
                name: if i < ORG_NAMES.len() {
                    format!("{} «{}»", ORG_FORMS[i % ORG_FORMS.len()], ORG_NAMES[i])
                } else {
                    format!(
                        "{} «{}-{}»",
                        ORG_FORMS[i % ORG_FORMS.len()],
                        ORG_NAMES[i % ORG_NAMES.len()],
                        i / ORG_NAMES.len()
                    )
                },
                district: if i < DISTRICTS.len() { i } else { rng.below(DISTRICTS.len() as u64) as usize },
                diligence: rng.between(40, 100) as u8,
            })
            .collect();
        let suppliers: Vec<OrganisationId> =
            (0..5).map(|i| OrganisationId::new_at(id_at(10_000 + i), rng.bytes10())).collect();

        // Parts: split over the brands, plus shared oils.
        let mut parts = Vec::with_capacity(config.parts);
        let mut seen = std::collections::HashSet::new();
        let mut i = 0;
        while parts.len() < config.parts.max(10) {
            let brand = i % 5;
            let text = if i < 2 { ["OIL-15W40", "OIL-TAD17"][i].to_string() } else { part_number(brand, i, &mut rng) };
            i += 1;
            let Ok(number) = PartNumber::parse(&text) else { continue };
            if !seen.insert(number.clone()) {
                continue;
            }
            // Log-uniform price 150 ₽ .. 150,000 ₽.
            let rub = 150.0 * 1000f64.powf(rng.unit());
            parts.push(DemoPart {
                number,
                brand: DEMO_BRANDS[brand].clone(),
                supplier: suppliers[brand],
                price: Money::new((rub * 100.0) as i64, Currency::Rub),
                pack: if rub < 1_000.0 { 10 } else { 1 },
            });
        }
        let mut catalogue = PartCatalogue::default();
        for k in 0..(parts.len() / 12) {
            let (a, b) = (rng.below(parts.len() as u64) as usize, rng.below(parts.len() as u64) as usize);
            catalogue.add_equivalent(parts[a].number.clone(), parts[b].number.clone());
            // Every third pair also gets an old number superseded by a part of the pair.
            if k % 3 == 0
                && let Ok(old) = PartNumber::parse(&format!("{}-OLD", parts[a].number))
            {
                let _ = catalogue.supersede(old, parts[a].number.clone());
            }
        }

        let brand_parts = |b: usize| -> Vec<PartNumber> {
            parts.iter().skip(2).filter(|p| p.brand == DEMO_BRANDS[b]).take(8).map(|p| p.number.clone()).collect()
        };
        let oil = parts[0].number.clone();
        let content = |kinds: &[ServiceKind], own: &[PartNumber], oil_litres: u32| -> Vec<ServiceContent> {
            kinds
                .iter()
                .enumerate()
                .map(|(level, &kind)| {
                    let mut ps = vec![PartNeed { part: oil.clone(), qty: oil_litres }];
                    ps.extend(own.iter().take(2 + 2 * level).map(|p| PartNeed { part: p.clone(), qty: 1 }));
                    ServiceContent {
                        kind,
                        operations: vec![
                            Operation { code: "oil-engine".into(), standard_hours: dec(15, 1) },
                            Operation { code: "filters".into(), standard_hours: dec(10, 1) },
                            Operation {
                                code: "inspect-chassis".into(),
                                standard_hours: dec(20 + 20 * level as i64, 1),
                            },
                        ],
                        parts: ps,
                    }
                })
                .collect()
        };
        let seasons = vec![
            Seasonal { kind: ServiceKind::Spring, month: 4, day: 15, window_days: 45 },
            Seasonal { kind: ServiceKind::Autumn, month: 10, day: 15, window_days: 45 },
        ];
        use MachineKind as K;
        use ServiceKind::*;
        // (brand, designation, kind, engine, base interval, levels, profile)
        #[allow(clippy::type_complexity)]
        let specs: Vec<(
            usize,
            &str,
            MachineKind,
            (EngineMaker, &str),
            Interval,
            Vec<(ServiceKind, u16)>,
            UsageProfile,
        )> = vec![
            (
                0,
                "МАЗ-5440",
                K::RoadTruck,
                (EngineMaker::Yamz, "ЯМЗ-536"),
                Interval::km(15_000).and_days(180),
                vec![(To1, 1), (To2, 4)],
                UsageProfile {
                    km_per_day: 380.0,
                    hours_per_day: 9.0,
                    fuel_per_hour: 14.0,
                    failure_per_day: 0.012,
                    repair_parts: 3,
                },
            ),
            (
                0,
                "МАЗ-6501",
                K::RoadTruck,
                (EngineMaker::Yamz, "ЯМЗ-536"),
                Interval::km(10_000).and_meter(MeterKind::EngineHours, 500).and_days(180),
                vec![(To1, 1), (To2, 4)],
                UsageProfile {
                    km_per_day: 160.0,
                    hours_per_day: 10.0,
                    fuel_per_hour: 16.0,
                    failure_per_day: 0.016,
                    repair_parts: 3,
                },
            ),
            (
                0,
                "МАЗ-5440 (MAN)",
                K::RoadTruck,
                (EngineMaker::Man, "D2066"),
                Interval::km(20_000).and_days(365),
                vec![(To1, 1), (To2, 4)],
                UsageProfile {
                    km_per_day: 420.0,
                    hours_per_day: 9.0,
                    fuel_per_hour: 13.0,
                    failure_per_day: 0.010,
                    repair_parts: 3,
                },
            ),
            (
                1,
                "БелАЗ-7547",
                K::MiningTruck,
                (EngineMaker::Cummins, "QSK19-C"),
                Interval::engine_hours(250),
                vec![(To1, 1), (To2, 2), (To3, 2)],
                UsageProfile {
                    km_per_day: 190.0,
                    hours_per_day: 17.0,
                    fuel_per_hour: 45.0,
                    failure_per_day: 0.025,
                    repair_parts: 4,
                },
            ),
            (
                2,
                "МТЗ-82.1",
                K::Tractor,
                (EngineMaker::Mmz, "Д-243"),
                Interval::engine_hours(125),
                vec![(To1, 1), (To2, 4), (To3, 2)],
                UsageProfile {
                    km_per_day: 0.0,
                    hours_per_day: 7.0,
                    fuel_per_hour: 8.0,
                    failure_per_day: 0.010,
                    repair_parts: 2,
                },
            ),
            (
                2,
                "МТЗ-1221",
                K::Tractor,
                (EngineMaker::Mmz, "Д-260.2"),
                Interval::engine_hours(125),
                vec![(To1, 1), (To2, 4), (To3, 2)],
                UsageProfile {
                    km_per_day: 0.0,
                    hours_per_day: 8.0,
                    fuel_per_hour: 12.0,
                    failure_per_day: 0.011,
                    repair_parts: 2,
                },
            ),
            (
                3,
                "Амкодор 342",
                K::Loader,
                (EngineMaker::Mmz, "Д-260.1"),
                Interval::engine_hours(250),
                vec![(To1, 1), (To2, 2), (To3, 2)],
                UsageProfile {
                    km_per_day: 0.0,
                    hours_per_day: 8.0,
                    fuel_per_hour: 11.0,
                    failure_per_day: 0.013,
                    repair_parts: 2,
                },
            ),
            (
                4,
                "Палессе GS12 (КЗС-1218)",
                K::Harvester,
                (EngineMaker::Yamz, "ЯМЗ-236НД2"),
                Interval::engine_hours(60),
                vec![(To1, 1), (To2, 4)],
                UsageProfile {
                    km_per_day: 0.0,
                    hours_per_day: 12.0,
                    fuel_per_hour: 22.0,
                    failure_per_day: 0.03,
                    repair_parts: 2,
                },
            ),
        ];
        let (mut models, mut engines, mut profiles, mut regimes) = (vec![], vec![], vec![], vec![]);
        for (n, (brand, name, kind, (maker, engine), base, levels, profile)) in specs.into_iter().enumerate() {
            let model_id = ModelId::new_at(id_at(20_000 + n as u64), rng.bytes10());
            let engine = EngineVariant::new(maker, engine);
            let kinds: Vec<ServiceKind> = levels.iter().map(|l| l.0).collect();
            let oil_litres = match kind {
                K::MiningTruck => 68,
                K::RoadTruck => 28,
                K::Harvester => 32,
                _ => 16,
            };
            let regime = Regime::new(
                RegimeId::new_at(id_at(30_000 + n as u64), rng.bytes10()),
                model_id,
                Some(engine.clone()),
                base,
                levels.iter().map(|&(kind, every)| CycleLevel { kind, every }).collect(),
                if kind == K::MiningTruck { vec![] } else { seasons.clone() },
                content(&kinds, &brand_parts(brand), oil_litres),
            );
            // The specs above are valid by construction; a broken one is left out, not a panic.
            let Ok(regime) = regime else { continue };
            models.push(Model { id: model_id, brand: DEMO_BRANDS[brand].clone(), designation: name.to_string(), kind });
            engines.push(engine);
            profiles.push(profile);
            regimes.push(regime);
        }
        let part_index = parts.iter().enumerate().map(|(i, p)| (p.number.clone(), i)).collect();
        let brand_parts =
            DEMO_BRANDS.iter().map(|b| (2..parts.len()).filter(|&i| &parts[i].brand == b).collect()).collect();
        DemoCatalog { owners, models, engines, profiles, regimes, parts, catalogue, suppliers, part_index, brand_parts }
    }

    /// Machine `index`, simulated over the configured period.
    pub fn machine(&self, config: &DemoConfig, index: usize) -> DemoMachine {
        let mut rng = XorShift::new(config.seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // Brand mix: MAZ 35 %, MTZ 30 %, Amkodor 12 %, Gomselmash 13 %, BelAZ 10 %.
        let roll = rng.below(100);
        let model_index = match roll {
            0..=19 => 0,
            20..=29 => 1,
            30..=34 => 2,
            35..=44 => 3,
            45..=61 => 4,
            62..=74 => 5,
            75..=86 => 6,
            _ => 7,
        }
        .min(self.models.len().saturating_sub(1));
        let model = &self.models[model_index];
        let profile = self.profiles[model_index];
        let regime = &self.regimes[model_index];
        let owner = &self.owners[rng.below(self.owners.len() as u64) as usize];
        let (district, climate) = DISTRICTS[owner.district % DISTRICTS.len()];
        let category = match model.kind {
            MachineKind::MiningTruck => OperatingCategory::IV,
            MachineKind::RoadTruck => *rng.pick(&[OperatingCategory::I, OperatingCategory::II, OperatingCategory::III]),
            _ => OperatingCategory::III,
        };
        let ms = 1_672_531_200_000 + 1_000_000 + index as u64;
        let id = MachineId::new_at(ms, rng.bytes10());
        let end = config.today();
        // A third were already working before the period; the rest arrive during it.
        let commissioned = if rng.chance(0.35) {
            config.start
        } else {
            config.start.checked_add_days(Days::new(rng.below(u64::from(config.days) * 4 / 5))).unwrap_or(config.start)
        };
        let being_assembled = rng.chance(0.01);
        let decommission = (!being_assembled && rng.chance(0.02))
            .then(|| commissioned.checked_add_days(Days::new(rng.between(90, 400))))
            .flatten()
            .filter(|d| *d < end);
        let arrival = if rng.chance(0.3) { Arrival::AssembledFromKit } else { Arrival::ImportedComplete };
        let year = u16::try_from(commissioned.year()).unwrap_or(2023)
            - u16::from(commissioned == config.start && rng.chance(0.5));
        let vin = matches!(model.kind, MachineKind::RoadTruck)
            .then(|| {
                Vin::parse(&format!("Y3M{}{:07}", ["5440B9K", "6501B9K", "5440E9K"][model_index.min(2)], index)).ok()
            })
            .flatten();
        let serial = SerialNumber::parse(&format!("{}{:07}", 80 + model_index, index)).ok();
        let mut machine = Machine {
            id,
            model: model.id,
            brand: model.brand.clone(),
            modification: None,
            engine: Some(self.engines[model_index].clone()),
            vin,
            serial,
            year,
            owner: owner.id,
            district: District(district.to_string()),
            status: MachineStatus::InService,
            arrival,
            commissioned_on: Some(commissioned),
            factors: CorrectionFactors::of(category, climate),
        };
        let kinds: Vec<MeterKind> = if model.kind.has_odometer() {
            vec![MeterKind::Odometer, MeterKind::EngineHours, MeterKind::Fuel]
        } else {
            vec![MeterKind::EngineHours, MeterKind::Fuel]
        };
        let mut out = DemoMachine {
            machine: machine.clone(),
            model_index,
            kind: model.kind,
            off_books: decommission,
            meters: kinds.iter().map(|&k| MeterSeries::new(id, k, commissioned, 0)).collect(),
            work_orders: Vec::new(),
            states: Vec::new(),
            failures: Vec::new(),
            services: Vec::new(),
            costs: Vec::new(),
            odometer: Vec::new(),
            engine_hours: Vec::new(),
            last_cycle: None,
            last_seasonal: Vec::new(),
        };
        if being_assembled {
            machine.status = MachineStatus::BeingAssembled;
            machine.commissioned_on = None;
            out.machine = machine;
            out.meters.clear();
            return out;
        }
        Sim { cat: self, rng, out: &mut out, profile, regime, owner, next_ms: ms * 64 }.run(
            commissioned,
            decommission.unwrap_or(end),
            config,
        );
        if decommission.is_some() {
            out.machine.status = MachineStatus::Decommissioned;
        } else {
            out.machine.status = match out.states.last() {
                Some(s) if s.to >= end => match s.state {
                    DayState::Repair | DayState::WaitingForTechnician | DayState::WaitingForCustomer => {
                        MachineStatus::InRepair
                    }
                    DayState::WaitingForParts => MachineStatus::WaitingForParts,
                    _ => MachineStatus::InService,
                },
                _ => MachineStatus::InService,
            };
        }
        out
    }
}

mod sim;

use sim::Sim;

#[cfg(test)]
mod tests;
