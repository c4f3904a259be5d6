//! The directory's rules at the application layer, on both backends: each side keeps its own
//! organisations and people, every change names the version it was made on, and a refusal
//! writes nothing.

use crate::on_both_backends;
use crate::support::{Who, World};
use accord_app::directory::{DeleteInput, OrganisationInput, PersonInput};
use accord_app::{App, Error};
use accord_domain::validation::Reason;
use accord_store::{AuditFilter, Author, Paging, Store};

on_both_backends!(
    the_other_sides_records_are_refused_and_nothing_is_written,
    changes_name_the_version_they_were_made_on,
    an_organisation_in_use_is_not_deleted,
    a_saved_organisation_is_no_longer_to_review,
);

/// How many entries the audit log holds: a refusal adds none.
pub async fn audit_entries(store: &Store) -> i64 {
    store.audit_list(&AuditFilter::default(), Paging::default()).await.expect("audit").total
}

fn invalid_field(result: Result<impl std::fmt::Debug, Error>, field: &str) -> Reason {
    match result {
        Err(Error::Invalid(invalid)) => invalid.reason_for(field).unwrap_or_else(|| panic!("{field}: {invalid:?}")),
        other => panic!("expected {field} to be invalid, got {other:?}"),
    }
}

fn forbidden(result: Result<impl std::fmt::Debug, Error>) {
    assert!(matches!(result, Err(Error::Forbidden(_))), "forbidden: {result:?}");
}

async fn the_other_sides_records_are_refused_and_nothing_is_written(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let before = audit_entries(world.store()).await;
    let coord_by = world.actor(Who::CoordinatorBy);
    let exec_maz = world.actor(Who::ExecutorOfRecord);

    // The Belarusian coordinator neither creates nor changes what the Khabarovsk side owns.
    let khv = OrganisationInput {
        side: "KHV".into(),
        code: "KHV-NEW".into(),
        kind: "enterprise".into(),
        name_full_ru: "Новое предприятие края".into(),
        name_short_ru: "Новое".into(),
        ..Default::default()
    };
    forbidden(app.organisation_create(&coord_by, &khv).await);
    let fish = OrganisationInput { phone: Some("+7 4212 00-00-00".into()), ..OrganisationInput::of(&world.fish) };
    forbidden(app.organisation_change(&coord_by, world.fish.id, &fish).await);
    // ...nor moves MAZ over to it, and MAZ's executor may not even recode MAZ.
    let moved = OrganisationInput { side: "KHV".into(), ..OrganisationInput::of(&world.maz) };
    forbidden(app.organisation_change(&coord_by, world.maz.id, &moved).await);
    let recoded = OrganisationInput { code: "MAZ-2".into(), ..OrganisationInput::of(&world.maz) };
    forbidden(app.organisation_change(&exec_maz, world.maz.id, &recoded).await);
    // The observer is refused before their input is looked at (an empty form is not a 422).
    forbidden(app.organisation_create(&world.actor(Who::Observer), &OrganisationInput::default()).await);
    forbidden(app.person_create(&world.actor(Who::Observer), &PersonInput::default()).await);
    assert_eq!(audit_entries(world.store()).await, before, "nothing written");

    // A person of MAZ stays with MAZ: moving them to the fishery needs the other side's rights.
    let person = PersonInput {
        organisation_id: world.maz.id.to_string(),
        full_name_ru: "Петров Пётр".into(),
        ..Default::default()
    };
    let row = app.person_create(&exec_maz, &person).await.expect("MAZ's executor adds MAZ's people");
    let before = audit_entries(world.store()).await;
    let moved =
        PersonInput { organisation_id: world.fish.id.to_string(), version: Some(row.person.version), ..person.clone() };
    forbidden(app.person_change(&coord_by, row.person.id, &moved).await);
    forbidden(app.person_change(&exec_maz, row.person.id, &moved).await);
    let belaz_person = PersonInput { organisation_id: world.belaz.id.to_string(), ..person };
    forbidden(app.person_create(&exec_maz, &belaz_person).await);
    assert_eq!(audit_entries(world.store()).await, before, "nothing written");
    let unchanged = world.store().person(row.person.id).await.expect("person");
    assert_eq!((unchanged.person.version, unchanged.organisation_code.as_str()), (1, "MAZ"));
    // An administrator moves them.
    let admin = world.actor(Who::Admin);
    let done = app.person_change(&admin, row.person.id, &moved).await.expect("an admin moves people");
    assert_eq!((done.person.version, done.organisation_code.as_str()), (2, "KHV-FISH"));
}

async fn changes_name_the_version_they_were_made_on(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let coord_by = world.actor(Who::CoordinatorBy);
    let maz = OrganisationInput { phone: Some("+375 17 217-22-22".into()), ..OrganisationInput::of(&world.maz) };
    let without = OrganisationInput { version: None, ..maz.clone() };
    assert_eq!(
        invalid_field(app.organisation_change(&coord_by, world.maz.id, &without).await, "version"),
        Reason::Required
    );
    let saved = app.organisation_change(&coord_by, world.maz.id, &maz).await.expect("saved");
    assert_eq!(saved.version, world.maz.version + 1);
    // A second save on the version the first one was made on lost the race.
    let stale = app.organisation_change(&coord_by, world.maz.id, &maz).await;
    assert!(matches!(stale, Err(Error::Stale { current, .. }) if current == saved.version), "{stale:?}");
    let no_version = DeleteInput { version: None, reason: None };
    assert_eq!(
        invalid_field(app.organisation_delete(&coord_by, world.belaz.id, &no_version).await, "version"),
        Reason::Required
    );

    let person = PersonInput {
        organisation_id: world.maz.id.to_string(),
        full_name_ru: "Сидоров Сидор".into(),
        ..Default::default()
    };
    let row = app.person_create(&coord_by, &person).await.expect("person");
    assert_eq!(invalid_field(app.person_change(&coord_by, row.person.id, &person).await, "version"), Reason::Required);
    let first = PersonInput { position_ru: Some("директор".into()), version: Some(1), ..person.clone() };
    app.person_change(&coord_by, row.person.id, &first).await.expect("first save");
    let second = PersonInput { position_ru: Some("инженер".into()), ..first };
    assert!(matches!(app.person_change(&coord_by, row.person.id, &second).await, Err(Error::Stale { current: 2, .. })));
    let stale_delete = DeleteInput { version: Some(1), reason: None };
    assert!(matches!(app.person_delete(&coord_by, row.person.id, &stale_delete).await, Err(Error::Stale { .. })));
    let position = world.store().person(row.person.id).await.expect("person").person.data.position_ru;
    assert_eq!(position.as_deref(), Some("директор"), "the first save stands");
}

async fn an_organisation_in_use_is_not_deleted(app: App) {
    let world = World::new(app, false).await;
    let coord_khv = world.actor(Who::CoordinatorKhv);
    let before = audit_entries(world.store()).await;
    // The fishery executes measures of the plan (no people, no users): it stays, with a 409.
    let input = DeleteInput { version: Some(world.fish.version), reason: Some("дубликат".into()) };
    match world.app.organisation_delete(&coord_khv, world.fish.id, &input).await {
        Err(Error::Refused(rule)) => {
            assert_eq!(rule.code, "in_use");
            assert!(rule.args.contains(&("by", "measures".to_string())), "{:?}", rule.args);
        }
        other => panic!("expected in use, got {other:?}"),
    }
    assert_eq!(audit_entries(world.store()).await, before);
    assert!(world.store().organisation(world.fish.id).await.is_ok());
    // KHV-GOV is referred to by nothing: it goes.
    let input = DeleteInput { version: Some(world.khv_gov.version), reason: None };
    world.app.organisation_delete(&coord_khv, world.khv_gov.id, &input).await.expect("deleted");
    assert!(world.store().organisation(world.khv_gov.id).await.is_err());
}

async fn a_saved_organisation_is_no_longer_to_review(app: App) {
    let world = World::new(app, false).await;
    let store = world.store();
    let data =
        crate::support::organisation_form(accord_domain::Side::By, "IMPORTED", "Из импорта").validate().expect("valid");
    let mut w = store.begin_write(Author::SYSTEM).await.expect("write");
    let org = store.organisation_create_in(&mut w, &data, true).await.expect("created for review");
    w.commit().await.expect("commit");
    assert_eq!(store.organisations_for_review().await.expect("review"), ["IMPORTED"]);
    let input = OrganisationInput { name_full_en: Some("Imported".into()), ..OrganisationInput::of(&org) };
    world.app.organisation_change(&world.actor(Who::CoordinatorBy), org.id, &input).await.expect("saved");
    assert!(store.organisations_for_review().await.expect("review").is_empty(), "looked at and saved");
}
