//! A small world to act in: organisations and users of both sides, a plan with a joint
//! measure and one measure of each side, on a fresh store of either backend.

use accord_app::{Actor, App};
use accord_domain::directory::{Locale, Login, Organisation, OrganisationForm, Role, UserAccount};
use accord_domain::plan::{Executor, Measure, MeasureForm, NewPlan, Plan};
use accord_domain::{OrganisationId, Side};
use accord_store::testing::{TestBackend, TestStore};
use accord_store::{Author, NewAgreement, NewUser, Store};

/// Declares one test per backend around an async story `fn(App)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test]
            async fn $story() {
                $crate::support::run(accord_store::testing::TestBackend::Sqlite, super::$story).await;
            }
        )*}
        mod postgres {$(
            #[tokio::test]
            async fn $story() {
                $crate::support::run(accord_store::testing::TestBackend::Postgres, super::$story).await;
            }
        )*}
    };
}

pub async fn run<F, Fut>(backend: TestBackend, story: F)
where
    F: FnOnce(App) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(test) = TestStore::new(backend).await else { return };
    story(App::new(test.store.clone())).await;
    test.cleanup().await;
}

/// The six roles every write use case is tried as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Admin,
    CoordinatorBy,
    CoordinatorKhv,
    /// An executor of the record's organisation (MAZ, of the Belarusian side).
    ExecutorOfRecord,
    /// An executor of another organisation of the same side (BelAZ).
    ExecutorOther,
    Observer,
}

impl Who {
    pub const ALL: [Who; 6] =
        [Who::Admin, Who::CoordinatorBy, Who::CoordinatorKhv, Who::ExecutorOfRecord, Who::ExecutorOther, Who::Observer];
}

#[allow(dead_code, reason = "each module's scenarios use their part of the world")]
pub struct World {
    pub app: App,
    pub plan: Plan,
    pub maz: Organisation,
    pub belaz: Organisation,
    pub fish: Organisation,
    pub khv_gov: Organisation,
    pub users: Vec<(Who, UserAccount)>,
    /// Executed by MAZ (BY) and the fishery (KHV).
    pub joint: Measure,
    /// Executed by MAZ only.
    pub by_only: Measure,
    /// Executed by the fishery only.
    pub khv_only: Measure,
}

pub fn organisation_form(side: Side, code: &str, name: &str) -> OrganisationForm {
    OrganisationForm {
        side: side.code().into(),
        code: code.into(),
        kind: "enterprise".into(),
        name_full_ru: format!("Открытое акционерное общество «{name}»"),
        name_short_ru: name.into(),
        ..Default::default()
    }
}

pub fn measure_form(number: &str, title: &str) -> MeasureForm {
    MeasureForm {
        number: number.into(),
        section: "trade".into(),
        title_ru: title.into(),
        term: "IV квартал 2026 г.".into(),
        status: Some("not-started".into()),
        ..Default::default()
    }
}

/// Executors as a plan lists them: the first of each side leads.
pub fn executors(list: &[&Organisation]) -> Vec<Executor> {
    let mut out: Vec<Executor> = Vec::new();
    for o in list {
        let lead = !out.iter().any(|e| e.side == o.data.side);
        out.push(Executor { organisation: o.id, side: o.data.side, lead });
    }
    out
}

async fn user(store: &Store, login: &str, role: Role) -> UserAccount {
    let new = NewUser {
        login: Login::parse(login).expect("login"),
        display_name: login.to_string(),
        password_hash: "not-a-hash".into(),
        role,
        locale: Locale::Ru,
    };
    store.user_create(Author::SYSTEM, &new).await.expect("user")
}

async fn organisation(store: &Store, side: Side, code: &str, name: &str) -> OrganisationId {
    let data = organisation_form(side, code, name).validate().expect("valid organisation");
    store.organisation_create(Author::SYSTEM, &data).await.expect("organisation").id
}

impl World {
    /// The world with its plan signed (version 1) when `signed`.
    pub async fn new(app: App, signed: bool) -> World {
        let store = app.store().clone();
        let maz = organisation(&store, Side::By, "MAZ", "МАЗ").await;
        let belaz = organisation(&store, Side::By, "BELAZ", "БелАЗ").await;
        let fish = organisation(&store, Side::Khv, "KHV-FISH", "Рыбколхоз").await;
        let khv_gov = organisation(&store, Side::Khv, "KHV-GOV", "Правительство края").await;
        let users = vec![
            (Who::Admin, user(&store, "admin", Role::Admin).await),
            (Who::CoordinatorBy, user(&store, "coord.by", Role::Coordinator { side: Side::By }).await),
            (Who::CoordinatorKhv, user(&store, "coord.khv", Role::Coordinator { side: Side::Khv }).await),
            (
                Who::ExecutorOfRecord,
                user(&store, "exec.maz", Role::Executor { side: Side::By, organisation: maz }).await,
            ),
            (
                Who::ExecutorOther,
                user(&store, "exec.belaz", Role::Executor { side: Side::By, organisation: belaz }).await,
            ),
            (Who::Observer, user(&store, "observer", Role::Observer { side: None }).await),
        ];
        let agreement = NewAgreement {
            code: "AGR-2025".into(),
            title_ru: "Соглашение".into(),
            title_en: None,
            signed_on: None,
            signatories: Vec::new(),
        };
        let new_plan = NewPlan {
            code: "PLAN-2025-2027".into(),
            title_ru: "План мероприятий на 2025–2027 годы".into(),
            title_en: None,
            period_start: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"),
            period_end: chrono::NaiveDate::from_ymd_opt(2027, 12, 31).expect("date"),
        };
        let plan = store.plan_create(Author::SYSTEM, &agreement, &new_plan).await.expect("plan");
        let maz = store.organisation(maz).await.expect("organisation");
        let belaz = store.organisation(belaz).await.expect("organisation");
        let fish = store.organisation(fish).await.expect("organisation");
        let khv_gov = store.organisation(khv_gov).await.expect("organisation");
        let create = |number: &'static str, title: &'static str, executors: Vec<Executor>| {
            let store = app.store().clone();
            let plan = plan.id;
            async move {
                let data = measure_form(number, title).validate(executors).expect("valid measure");
                store.measure_create(Author::SYSTEM, plan, &data).await.expect("measure")
            }
        };
        let joint = create("1.", "Поставки техники МАЗ", executors(&[&maz, &fish])).await;
        let by_only = create("2.", "Сервис МАЗ", executors(&[&maz])).await;
        let khv_only = create("3.", "Поставки рыбы", executors(&[&fish])).await;
        if signed {
            let on = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
            store.plan_freeze_version(Author::SYSTEM, plan.id, Some("подписан"), Some(on)).await.expect("sign");
        }
        let plan = store.plan(plan.id).await.expect("plan");
        World { app, plan, maz, belaz, fish, khv_gov, users, joint, by_only, khv_only }
    }

    pub fn actor(&self, who: Who) -> Actor {
        let (_, account) = self.users.iter().find(|(w, _)| *w == who).expect("a user of each kind");
        Actor::user(account.clone())
    }

    pub fn store(&self) -> &Store {
        self.app.store()
    }

    /// The measure as it stands now.
    pub async fn measure(&self, measure: &Measure) -> Measure {
        self.store().measure(measure.id).await.expect("measure")
    }
}

/// The quarterly review's part of the world: quarters of the plan's period with roles to
/// play, the review's open quarter with a meeting, and a way to make a fresh joint measure.
impl World {
    /// The quarter whose reports the review stories file (its period opened here).
    pub fn report_quarter(&self) -> accord_domain::Quarter {
        "2026Q4".parse().expect("quarter")
    }

    /// The quarter whose meeting the review stories hold, with the meeting scheduled (by the
    /// Belarusian coordinator) when it is not yet. Returns the meeting.
    pub async fn review_meeting(&self) -> accord_domain::review::Meeting {
        let quarter: accord_domain::Quarter = "2026Q3".parse().expect("quarter");
        if let Some(meeting) = self.store().review_meeting_of(quarter).await.expect("meeting") {
            return meeting;
        }
        let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 22).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("time");
        let by = self.actor(Who::CoordinatorBy);
        self.app.meeting_schedule(&by, quarter, 0, start, 120).await.expect("a meeting").0
    }

    /// A new measure of the world's plan executed by MAZ (BY) and the fishery (KHV), numbered
    /// from `number`.
    pub async fn review_joint_measure(&self, number: &str) -> Measure {
        let data = measure_form(number, &format!("Совместное мероприятие {number}"))
            .validate(executors(&[&self.maz, &self.fish]))
            .expect("valid");
        self.store().measure_create(Author::SYSTEM, self.plan.id, &data).await.expect("measure")
    }

    /// How many entries the audit log holds: a refusal adds none.
    pub async fn audit_size(&self) -> i64 {
        self.store()
            .audit_list(&accord_store::AuditFilter::default(), accord_store::Paging::new(Some(1), Some(1)))
            .await
            .expect("audit")
            .total
    }
}
/// The logistics part of the world: the reference network, products, chains, parks and rates
/// shipped with accord (KHV, MSQ, MOG, …; chains `pollock-today`, `pollock-direct`, …).
impl World {
    pub async fn load_logistics(&self) {
        use accord_app::logistics::{items_of, reference_document};
        use accord_store::{LogisticsFile, LogisticsKind};
        let doc = reference_document().expect("reference data");
        let kinds = LogisticsKind::ALL.to_vec();
        let items = items_of(&doc, &kinds).expect("items");
        let file = LogisticsFile { file_name: "reference".into(), format: "json".into(), sha256: String::new() };
        self.store().logistics_replace(Author::SYSTEM, &kinds, &items, &file).await.expect("reference network");
    }
}

/// A node of the world's network as the node form gives it (`code` also names it, uniquely).
pub fn node(code: &str) -> accord_domain::logistics::Node {
    serde_json::from_value(serde_json::json!({
        "code": code, "name_ru": format!("Склад {code}"), "name_en": format!("Depot {code}"),
        "kind": "warehouse", "country": "RU", "time_zone": "Asia/Vladivostok"
    }))
    .expect("node")
}

/// A leg of the world's network: `days` in transit, a cost per container in roubles.
pub fn leg(from: &str, to: &str, mode: &str, days: i64) -> accord_domain::logistics::Leg {
    serde_json::from_value(serde_json::json!({
        "from": from, "to": to, "mode": mode, "distance_km": 30,
        "transit_days": {"min": days, "typical": days, "max": days},
        "cost_per_container": {"amount": "15000.00", "currency": "RUB"}
    }))
    .expect("leg")
}

// ------------------------------------------------------------------------------------- fleet

/// The fleet's part of the world: a service centre (Khabarovsk) with its technician, the
/// instance's fleet facts, a small demo catalogue and fleet whose machines are all owned by MAZ
/// (so "executor of the record's organisation" is MAZ's executor), a warehouse. Fresh machines,
/// orders, assemblies and regimes are made for each attempt.
#[allow(dead_code, reason = "each module's scenarios use their part of the world")]
pub struct FleetWorld {
    pub service_centre: Organisation,
    pub technician: UserAccount,
    pub today: chrono::NaiveDate,
    pub model: accord_domain::fleet::machine::Model,
    pub regime: accord_domain::fleet::regime::Regime,
    pub warehouse: accord_domain::WarehouseId,
    pub part: accord_domain::fleet::parts::PartNumber,
}

static FLEET_SERIAL: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

fn fleet_serial() -> u32 {
    FLEET_SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

const WAREHOUSE: &str = "Центральный склад";

#[allow(dead_code, reason = "each module's scenarios use their part of the world")]
impl World {
    /// Sets up the fleet's part of the world (once per world) and returns it.
    pub async fn fleet_setup(&self) -> FleetWorld {
        use accord_demo::fleet::{DemoConfig, DemoFleet};
        let store = self.store();
        let fleet = DemoFleet::generate(DemoConfig { machines: 3, owners: 1, parts: 20, ..DemoConfig::standard() });
        let centre = organisation(store, Side::Khv, "KHV-SERVICE", "Сервисный центр").await;
        let role = Role::Executor { side: Side::Khv, organisation: centre };
        user(store, "tech.sc", role).await;
        store.set_meta(accord_app::fleet::SERVICE_CENTRE_META, &centre.to_string()).await.expect("meta");
        let today = fleet.config.today();
        store.set_meta(accord_app::fleet::AS_OF_META, &today.to_string()).await.expect("meta");
        let (maz, supplier) = (self.maz.id, self.belaz.id);
        let (parts, machines) = accord_demo::fleet::demo_bulk(&fleet, |_| maz, |_| supplier);
        let bulk = accord_store::FleetBulk {
            models: &fleet.catalog.models,
            regimes: &fleet.catalog.regimes,
            machines,
            parts: &parts,
        };
        store.fleet_bulk_load(Author::SYSTEM, &bulk).await.expect("demo fleet");
        store.fleet_warehouse(Author::SYSTEM, WAREHOUSE).await.expect("warehouse");
        self.fleet().await
    }

    /// The fleet's part of the world as [`World::fleet_setup`] stored it.
    pub async fn fleet(&self) -> FleetWorld {
        let store = self.store();
        let centre = store.meta(accord_app::fleet::SERVICE_CENTRE_META).await.expect("meta").expect("a centre");
        let service_centre = store.organisation(centre.parse().expect("id")).await.expect("organisation");
        let today = store.meta(accord_app::fleet::AS_OF_META).await.expect("meta").expect("as of");
        let snap = store.fleet_snapshot().await.expect("snapshot");
        let regime = snap.regimes.first().expect("a regime").clone();
        let model = snap.models[&regime.model()].clone();
        FleetWorld {
            service_centre,
            technician: store.user_by_login("tech.sc").await.expect("technician"),
            today: today.parse().expect("day"),
            model,
            regime,
            warehouse: store.fleet_warehouse(Author::SYSTEM, WAREHOUSE).await.expect("warehouse"),
            part: store.fleet_parts().await.expect("parts")[0].number.clone(),
        }
    }
}

#[allow(dead_code, reason = "each module's scenarios use their part of the world")]
impl FleetWorld {
    pub fn technician(&self) -> Actor {
        Actor::user(self.technician.clone())
    }

    /// A new machine of MAZ, in service for two years, with an hour meter read today far past
    /// its first service (so it is on the due list).
    pub async fn fresh_machine(&self, world: &World) -> accord_store::StoredMachine {
        use accord_domain::fleet::machine::{Arrival, District, Machine, MachineStatus, Vin};
        use accord_domain::fleet::meter::MeterKind;
        let n = fleet_serial();
        let machine = Machine {
            id: accord_domain::MachineId(uuid::Uuid::now_v7()),
            model: self.model.id,
            brand: self.model.brand.clone(),
            modification: None,
            engine: self.regime.engine().cloned(),
            vin: Some(Vin::parse(&format!("Y3M5440{n:010}")).expect("vin")),
            serial: None,
            year: 2022,
            owner: world.maz.id,
            district: District("Хабаровск".into()),
            status: MachineStatus::InService,
            arrival: Arrival::ImportedComplete,
            commissioned_on: self.today.checked_sub_days(chrono::Days::new(730)),
            factors: accord_domain::fleet::regime::CorrectionFactors::NEUTRAL,
        };
        let new = accord_store::NewMachine {
            machine: machine.clone(),
            meters: vec![(MeterKind::EngineHours, 0), (MeterKind::Odometer, 0)],
            decommissioned_on: None,
        };
        let store = world.store();
        store.fleet_register(Author::SYSTEM, &[new], None, self.today).await.expect("machine");
        let reading = accord_store::NewReading {
            machine: machine.id,
            kind: MeterKind::EngineHours,
            date: self.today,
            value: 5_000,
        };
        store.fleet_readings_add(Author::SYSTEM, &[reading], None).await.expect("reading");
        store.fleet_snapshot().await.expect("snapshot").machine(machine.id).cloned().expect("registered")
    }

    /// A new open repair order on a new machine.
    pub async fn fresh_order(&self, world: &World) -> accord_store::StoredWorkOrder {
        use accord_domain::fleet::work_order::{WorkOrder, WorkOrderKind};
        let machine = self.fresh_machine(world).await;
        let at = self.today.and_hms_opt(8, 0, 0).expect("time");
        let id = accord_domain::WorkOrderId(uuid::Uuid::now_v7());
        let order = WorkOrder::new(id, machine.machine.id, WorkOrderKind::Repair, at, Default::default());
        world.store().fleet_work_orders_create(Author::SYSTEM, &[order], None).await.expect("order");
        world.store().fleet_work_order(id).await.expect("order")
    }

    /// A new model with its own copy of the world's regime; returns the regime.
    pub async fn fresh_regime(&self, world: &World) -> accord_domain::fleet::regime::Regime {
        use accord_domain::fleet::regime::Regime;
        let n = fleet_serial();
        let model = accord_domain::fleet::machine::Model {
            id: accord_domain::ModelId(uuid::Uuid::now_v7()),
            designation: format!("МАЗ-{n}"),
            ..self.model.clone()
        };
        let r = &self.regime;
        let regime = Regime::new(
            accord_domain::RegimeId(uuid::Uuid::now_v7()),
            model.id,
            r.engine().cloned(),
            r.base(),
            r.cycle().to_vec(),
            r.seasonal().to_vec(),
            Vec::new(),
        )
        .expect("a regime");
        world.store().fleet_catalog_save(Author::SYSTEM, &[model], std::slice::from_ref(&regime)).await.expect("saved");
        regime
    }

    /// A new serial number for an assembly.
    pub fn fresh_serial(&self) -> String {
        format!("ЯМЗ-{}", fleet_serial())
    }
}
