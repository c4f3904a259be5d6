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
