//! The demo fleet: the domain's standard generator (≈300 machines at 20 Khabarovsk owners, two
//! years of readings and work orders, 500 parts), its owners, suppliers and the service centre
//! as directory organisations, a technician and an owner's user, a warehouse with stock.
//!
//! Everything is stored: machines, every reading, every work order, every history. Loading
//! stays a few seconds because the history goes in multi-row INSERTs in one transaction.

mod bulk;
pub mod generate;

pub use bulk::demo_bulk;
pub use generate::{DemoConfig, DemoFleet};

use accord_app::account::UserInput;
use accord_app::directory::OrganisationInput;
use accord_app::fleet::{AS_OF_META, SERVICE_CENTRE_META};
use accord_app::{Actor, App, Error};
use accord_domain::OrganisationId;
use accord_store::{FleetBulk, Store};
use std::collections::HashMap;

/// The service centre's organisation code in the demo.
pub const SERVICE_CENTRE_CODE: &str = "KHV-SERVICE";
/// A technician of the service centre and a user of the first owner (a road builder).
pub const TECHNICIAN: &str = "tech.service";
pub const OWNER_USER: &str = "owner.road";

/// The parts dealers of the five plants (named without the plants' names, so that a search for
/// a plant finds the plant).
const SUPPLIERS: [(&str, &str); 5] = [
    ("BY-PARTS-01", "ТД «Автокомплект-Запад» (запчасти для грузовиков)"),
    ("BY-PARTS-02", "ООО «Карьерснаб» (запчасти для карьерных самосвалов)"),
    ("BY-PARTS-03", "ООО «Агрозапчасть-Восток» (запчасти для тракторов)"),
    ("BY-PARTS-04", "ООО «Дорснабкомплект» (запчасти для погрузчиков)"),
    ("BY-PARTS-05", "ООО «Комбайнсервис» (запчасти для комбайнов)"),
];

async fn org(
    store: &Store,
    code: &str,
    side: &str,
    full: &str,
    short: &str,
    city: &str,
) -> Result<OrganisationId, Error> {
    if let Ok(o) = store.organisation_by_code(code).await {
        return Ok(o.id);
    }
    let input = OrganisationInput {
        side: side.into(),
        code: code.into(),
        kind: "enterprise".into(),
        name_full_ru: full.into(),
        name_short_ru: short.into(),
        address: Some(city.into()),
        ..Default::default()
    };
    Ok(App::new(store.clone()).organisation_create(&Actor::operator(), &input).await?.id)
}

/// Loads the standard demo fleet unless the store already holds machines; returns the
/// number of machines loaded.
pub async fn load(store: &Store) -> Result<usize, Error> {
    load_config(store, DemoConfig::standard()).await
}

/// [`load`] with another size or period (tests place the fleet's history inside the plan's
/// quarters this way).
pub async fn load_config(store: &Store, config: DemoConfig) -> Result<usize, Error> {
    if !store.fleet_snapshot().await?.machines.is_empty() {
        return Ok(0);
    }
    let fleet = DemoFleet::generate(config);
    let centre = org(
        store,
        SERVICE_CENTRE_CODE,
        "KHV",
        "Общество с ограниченной ответственностью «Хабаровский сервисный центр белорусской техники»",
        "Сервисный центр БелТех-Хабаровск",
        "Хабаровск",
    )
    .await?;
    let mut owners: HashMap<OrganisationId, OrganisationId> = HashMap::new();
    for (i, o) in fleet.catalog.owners.iter().enumerate() {
        let city = generate::DISTRICTS[o.district].0;
        let id = org(store, &format!("KHV-FLEET-{:02}", i + 1), "KHV", &o.name, &o.name, city).await?;
        owners.insert(o.id, id);
    }
    let mut suppliers: HashMap<OrganisationId, OrganisationId> = HashMap::new();
    for (i, s) in fleet.catalog.suppliers.iter().enumerate() {
        let (code, name) = SUPPLIERS[i % SUPPLIERS.len()];
        suppliers.insert(*s, org(store, code, "BY", name, name, "Минск").await?);
    }
    for (login, name, org_code) in [
        (TECHNICIAN, "Петренко В. С. (техник сервисного центра)", SERVICE_CENTRE_CODE.to_string()),
        (OWNER_USER, "Гусев Н. Н. (механик владельца)", "KHV-FLEET-01".to_string()),
    ] {
        if store.user_by_login(login).await.is_ok() {
            continue;
        }
        let input = UserInput {
            login: login.into(),
            display_name: name.into(),
            password: Some(crate::demo_password(login)),
            role: "executor".into(),
            organisation: Some(org_code),
            locale: Some("ru".into()),
            ..Default::default()
        };
        App::new(store.clone()).user_create(&Actor::operator(), &input).await?;
    }
    let (parts, machines) =
        demo_bulk(&fleet, |o| owners.get(&o).copied().unwrap_or(o), |s| suppliers.get(&s).copied().unwrap_or(s));
    let bulk = FleetBulk { models: &fleet.catalog.models, regimes: &fleet.catalog.regimes, machines, parts: &parts };
    let app = App::new(store.clone());
    let operator = Actor::operator();
    let seeder = app.seeder(&operator)?;
    let outcome = seeder.fleet(&bulk).await?;
    // Stock: every part in the central warehouse, fewer of the dear ones; oils by the litre.
    let today = fleet.config.today();
    let received = today.pred_opt().unwrap_or(today);
    let lines: Vec<_> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let qty = if i < 2 {
                400
            } else if p.price.minor > 5_000_000 {
                (i % 3) as u32
            } else {
                2 + (i % 9) as u32
            };
            let bin = format!("{}-{:02}-{}", ["A", "B", "C", "D"][i % 4], i % 40 + 1, i % 5 + 1);
            (qty > 0).then(|| (bin, p.number.clone(), qty))
        })
        .collect();
    seeder.warehouse("Центральный склад, Хабаровск", &lines, received).await?;
    seeder.fact(SERVICE_CENTRE_META, &centre.to_string()).await?;
    seeder.fact(AS_OF_META, &today.to_string()).await?;
    Ok(outcome.machines as usize)
}
