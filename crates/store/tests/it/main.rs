//! Store stories, each run on SQLite and (when configured) on PostgreSQL.

use accord_domain::Side;
use accord_domain::directory::{Locale, Login, OrganisationData, OrganisationForm, PersonForm, Role};
use accord_domain::validation::Reason;
use accord_store::testing::{TestBackend, TestStore};
use accord_store::{
    Author, MeasureFilter, MeasureSort, NewUser, OrgFilter, Paging, PersonFilter, Store, StoreError, UserUpdate,
};

/// Declares one test per backend around an async story `fn(Store)`.
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test]
            async fn $story() {
                super::run(accord_store::testing::TestBackend::Sqlite, super::$story).await;
            }
        )*}
        mod postgres {$(
            #[tokio::test]
            async fn $story() {
                super::run(accord_store::testing::TestBackend::Postgres, super::$story).await;
            }
        )*}
    };
}

on_both_backends!(
    migrations_are_idempotent,
    organisation_lifecycle_is_audited,
    stale_version_is_a_conflict,
    duplicate_code_names_the_field,
    search_folds_cyrillic_case,
    tampering_is_found_and_plain_edits_refused,
    concurrent_writers_keep_one_chain,
    deleting_a_used_organisation_changes_nothing,
    users_sessions_and_tokens,
    plan_measures_filters_and_import,
    indicators_and_actuals,
    another_process_writes_are_seen,
    imports_replace_their_periods_and_repeat_as_no_ops,
    rates_are_kept_once_and_conflicts_refused,
    product_groups_and_mirror_verdicts,
    fleet_register_and_meters_refuse_bad_input,
    fleet_stock_never_negative_under_two_concurrent_issues,
    fleet_imports_are_idempotent_and_all_or_nothing,
    fleet_figures_match_the_domain,
    fleet_preventive_orders_reserve_parts_and_shipments_arrive,
    fleet_regime_revisions_are_audited_and_stay_with_their_model,
    fleet_cache_follows_writes_here_and_elsewhere,
    fleet_range_figures_read_every_reading,
);

mod files;
mod fleet;
mod logistics;
use fleet::*;

async fn run<F, Fut>(backend: TestBackend, story: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(test) = TestStore::new(backend).await else { return };
    story(test.store.clone()).await;
    test.cleanup().await;
}

const ADMIN: Author<'static> = Author { login: Some("admin") };

fn org(code: &str, side: &str, short: &str) -> OrganisationData {
    OrganisationForm {
        side: side.into(),
        code: code.into(),
        kind: "enterprise".into(),
        name_full_ru: format!("Открытое акционерное общество «{short}»"),
        name_short_ru: short.into(),
        ..Default::default()
    }
    .validate()
    .expect("valid organisation")
}

async fn migrations_are_idempotent(store: Store) {
    assert!(store.migrate().await.expect("second migrate").is_empty());
    assert!(store.is_empty().await.expect("count"));
}

async fn organisation_lifecycle_is_audited(store: Store) {
    let created = store.organisation_create(ADMIN, &org("MTZ", "BY", "МТЗ")).await.expect("create");
    assert_eq!(created.version, 1);
    let mut changed = created.data.clone();
    changed.name_short_en = Some("MTZ".into());
    let updated = store
        .organisation_update(ADMIN, created.id, 1, &changed, Some("English name added".into()))
        .await
        .expect("update");
    assert_eq!(updated.version, 2);
    assert_eq!(store.organisation(created.id).await.expect("read").data.name_short_en.as_deref(), Some("MTZ"));
    store.organisation_delete(ADMIN, created.id, 2, Some("duplicate".into())).await.expect("delete");
    assert!(matches!(store.organisation(created.id).await, Err(StoreError::NotFound { .. })));

    let history = store.audit_history("organisation", &created.id.to_string()).await.expect("history");
    let ops: Vec<&str> = history.iter().map(|e| e.operation.code()).collect();
    assert_eq!(ops, ["create", "update", "delete"]);
    assert_eq!(history[1].reason.as_deref(), Some("English name added"));
    assert!(history[1].before.as_deref().is_some_and(|b| b.contains("\"version\":1")));
    assert!(history[2].before.as_deref().is_some_and(|b| b.contains("МТЗ")));
    assert_eq!(history[2].after, None);
    assert!(history.iter().all(|e| e.actor.as_deref() == Some("admin")));
    let report = store.audit_verify().await.expect("verify");
    assert_eq!((report.checked, report.first_break), (3, None));
}

async fn stale_version_is_a_conflict(store: Store) {
    let created = store.organisation_create(ADMIN, &org("MAZ", "BY", "МАЗ")).await.expect("create");
    let mut first = created.data.clone();
    first.address = Some("Минск".into());
    store.organisation_update(ADMIN, created.id, 1, &first, None).await.expect("first edit");
    let mut second = created.data.clone();
    second.address = Some("Могилёв".into());
    let err = store.organisation_update(ADMIN, created.id, 1, &second, None).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current: 2, .. }), "{err}");
    assert_eq!(store.organisation(created.id).await.expect("read").data.address.as_deref(), Some("Минск"));
    let err = store.organisation_delete(ADMIN, created.id, 1, None).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
}

async fn duplicate_code_names_the_field(store: Store) {
    store.organisation_create(ADMIN, &org("BELAZ", "BY", "БелАЗ")).await.expect("create");
    let err = store.organisation_create(ADMIN, &org("BELAZ", "KHV", "Другой")).await.unwrap_err();
    match err {
        StoreError::Invalid(invalid) => assert_eq!(invalid.reason_for("code"), Some(Reason::NotUnique)),
        other => panic!("expected a field error, got {other}"),
    }
    // The failed insert left no audit entry behind.
    assert_eq!(store.audit_verify().await.expect("verify").checked, 1);
}

async fn search_folds_cyrillic_case(store: Store) {
    store.organisation_create(ADMIN, &org("MTZ", "BY", "МТЗ")).await.expect("create");
    store.organisation_create(ADMIN, &org("YOLKA", "KHV", "Ёлка-Рыба")).await.expect("create");
    store.organisation_create(ADMIN, &org("PCT-50", "KHV", "Скидка 50%")).await.expect("create");
    let find = |q: &str| {
        let filter = OrgFilter { query: Some(q.to_string()), ..Default::default() };
        let store = store.clone();
        async move {
            let page = store.organisation_list(&filter, Paging::default()).await.expect("list");
            page.items.into_iter().map(|o| o.data.code.to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(find("мтз").await, ["MTZ"]);
    assert_eq!(find("ЕЛКА").await, ["YOLKA"]);
    assert_eq!(find("50%").await, ["PCT-50"]);
    assert_eq!(find("%").await, ["PCT-50"], "a literal percent sign, not a wildcard");
    assert_eq!(find("_").await, Vec::<String>::new());
    let khv = OrgFilter { side: Some(Side::Khv), ..Default::default() };
    assert_eq!(store.organisation_list(&khv, Paging::default()).await.expect("list").total, 2);
    let page = store.organisation_list(&OrgFilter::default(), Paging::new(Some(2), Some(2))).await.expect("page 2");
    assert_eq!((page.total, page.items.len(), page.pages()), (3, 1, 2));
}

async fn tampering_is_found_and_plain_edits_refused(store: Store) {
    for code in ["AA", "BB", "CC", "DD"] {
        store.organisation_create(ADMIN, &org(code, "BY", code)).await.expect("create");
    }
    assert!(store.testing_try_edit_audit(2).await.is_err(), "the database must refuse edits");
    assert_eq!(store.audit_verify().await.expect("verify").first_break, None);
    store.testing_tamper_audit_reason(3, "forged").await.expect("tamper");
    let report = store.audit_verify().await.expect("verify");
    assert_eq!(report.first_break.map(|b| b.seq()), Some(3));
    assert_eq!(report.checked, 2);
}

async fn concurrent_writers_keep_one_chain(store: Store) {
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let code = format!("C{i:02}");
                store.organisation_create(ADMIN, &org(&code, "KHV", &code)).await.expect("create")
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    let report = store.audit_verify().await.expect("verify");
    assert_eq!((report.checked, report.first_break), (16, None));
}

async fn deleting_a_used_organisation_changes_nothing(store: Store) {
    let fish = store.organisation_create(ADMIN, &org("FISH", "KHV", "Рыбак")).await.expect("create");
    let person =
        PersonForm {
            organisation_id: fish.id.to_string(), full_name_ru: "Иванов Иван".into(), ..Default::default()
        }
        .validate()
        .expect("valid");
    let created = store.person_create(ADMIN, &person).await.expect("person");
    assert_eq!(created.organisation_code, "FISH");
    let err = store.organisation_delete(ADMIN, fish.id, 1, None).await.unwrap_err();
    assert!(matches!(err, StoreError::InUse { by: "people", .. }));
    assert!(store.organisation(fish.id).await.is_ok());
    assert_eq!(store.audit_verify().await.expect("verify").checked, 2);
    let people = store
        .person_list(&PersonFilter { query: Some("иванов".into()), ..Default::default() }, Paging::default())
        .await
        .expect("people");
    assert_eq!(people.total, 1);
    // A person pointing at an organisation that does not exist is a field error.
    let mut orphan = person.clone();
    orphan.organisation_id = accord_domain::OrganisationId(uuid_v7());
    let err = store.person_create(ADMIN, &orphan).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref i) if i.reason_for("organisation_id") == Some(Reason::NotFound)));
}

fn uuid_v7() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

async fn users_sessions_and_tokens(store: Store) {
    let login = Login::parse("coord.by").expect("login");
    let user = store
        .user_create(
            ADMIN,
            &NewUser {
                login: login.clone(),
                display_name: "Координатор".into(),
                password_hash: "hash-1".into(),
                role: Role::Coordinator { side: Side::By },
                locale: Locale::Ru,
            },
        )
        .await
        .expect("user");
    let dup = NewUser {
        login: login.clone(),
        display_name: "x".into(),
        password_hash: "h".into(),
        role: Role::Admin,
        locale: Locale::En,
    };
    assert!(
        matches!(store.user_create(ADMIN, &dup).await, Err(StoreError::Invalid(ref i)) if i.reason_for("login") == Some(Reason::NotUnique))
    );
    let (account, hash) = store.user_credentials("COORD.BY").await.expect("read").expect("exists");
    assert_eq!((account.role, hash.as_str()), (Role::Coordinator { side: Side::By }, "hash-1"));

    store.session_create(user.id, "session-hash", "csrf", chrono::Duration::hours(1)).await.expect("session");
    assert_eq!(store.session_user("session-hash").await.expect("read").map(|s| s.csrf_token), Some("csrf".into()));
    store.session_create(user.id, "expired", "csrf", chrono::Duration::seconds(-1)).await.expect("session");
    assert!(store.session_user("expired").await.expect("read").is_none());
    assert_eq!(store.session_purge_expired().await.expect("purge"), 1);

    let token_id = store.token_create(ADMIN, user.id, Some("ci"), "token-hash").await.expect("token");
    assert_eq!(store.token_user("token-hash").await.expect("read").map(|u| u.login), Some(login.clone()));
    assert!(store.token_list(user.id).await.expect("list")[0].last_used_at.is_some());

    // A new password ends every session; disabling ends token access too.
    store.user_set_password(ADMIN, &login, "hash-2").await.expect("passwd");
    assert!(store.session_user("session-hash").await.expect("read").is_none());
    // A new password revokes the API tokens as well (issue 15): the token is gone already.
    assert!(store.token_list(user.id).await.expect("list").is_empty(), "a new password revokes the tokens");
    let update =
        UserUpdate { display_name: user.display_name.clone(), role: user.role, locale: Locale::En, disabled: true };
    let err = store.user_update(ADMIN, user.id, 1, &update).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current: 2, .. }), "password change bumped the version");
    let disabled = store.user_update(ADMIN, user.id, 2, &update).await.expect("disable");
    assert!(disabled.disabled);
    assert!(store.token_user("token-hash").await.expect("read").is_none());
    let again = store.token_revoke(ADMIN, user.id, &token_id).await;
    assert!(matches!(again, Err(StoreError::NotFound { .. })), "revoked once, by the password change: {again:?}");
    let history = store.audit_history("user", &user.id.to_string()).await.expect("history");
    assert!(history.iter().all(|e| !e.after.as_deref().unwrap_or("").contains("hash-")), "no password hash in the log");
    assert_eq!(store.audit_verify().await.expect("verify").first_break, None);
}

async fn plan_with_orgs(
    store: &Store,
) -> (accord_domain::plan::Plan, accord_domain::OrganisationId, accord_domain::OrganisationId) {
    let maz = store.organisation_create(ADMIN, &org("MAZ", "BY", "МАЗ")).await.expect("MAZ");
    let fish = store.organisation_create(ADMIN, &org("KHV-FISH", "KHV", "Рыбак")).await.expect("fish");
    let plan = accord_domain::plan::PlanForm {
        code: "KHV-2025".into(),
        title_ru: "План мероприятий на 2025-2027 годы".into(),
        period_start: "2025-01-01".into(),
        period_end: "2027-12-31".into(),
        ..Default::default()
    }
    .validate()
    .expect("plan");
    let agreement = accord_store::NewAgreement {
        code: "BY-KHV".into(),
        title_ru: "Соглашение".into(),
        title_en: None,
        signed_on: chrono::NaiveDate::from_ymd_opt(2025, 2, 4),
        signatories: vec![],
    };
    let plan = store.plan_create(ADMIN, &agreement, &plan).await.expect("plan");
    (plan, maz.id, fish.id)
}

fn measure(
    number: &str,
    section: &str,
    title: &str,
    term: &str,
    status: &str,
    executors: Vec<accord_domain::plan::Executor>,
    tags: &str,
) -> accord_domain::plan::MeasureData {
    accord_domain::plan::MeasureForm {
        number: number.into(),
        section: section.into(),
        title_ru: title.into(),
        term: term.into(),
        status: Some(status.into()),
        tags: Some(tags.into()),
        ..Default::default()
    }
    .validate(executors)
    .expect("measure")
}

async fn plan_measures_filters_and_import(store: Store) {
    use accord_domain::plan::{Executor, Status};
    let (plan, maz, fish) = plan_with_orgs(&store).await;
    let by = |lead| Executor { organisation: maz, side: Side::By, lead };
    let khv = |lead| Executor { organisation: fish, side: Side::Khv, lead };
    let measures = vec![
        measure("1.", "trade", "Поставки техники", "2025-2027 гг.", "in-progress", vec![by(true)], ""),
        measure(
            "1.1.",
            "trade",
            "Сервисный центр",
            "II квартал 2026 г.",
            "in-progress",
            vec![by(true), khv(false)],
            "сервис",
        ),
        measure(
            "2.",
            "culture",
            "Молодёжный форум к 80-летию Победы",
            "май 2025 г.",
            "done",
            vec![khv(true)],
            "молодёжь, 80 лет победы",
        ),
        measure("10.", "trade", "Рыба в Беларусь", "ежеквартально", "not-started", vec![khv(true)], ""),
    ];
    let counts = store.measures_import(ADMIN, plan.id, &measures).await.expect("import");
    assert_eq!((counts.created, counts.updated, counts.unchanged), (4, 0, 0));
    let again = store.measures_import(ADMIN, plan.id, &measures).await.expect("import again");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4), "a second import changes nothing");
    let audited = store.audit_verify().await.expect("verify").checked;

    let list = |filter: MeasureFilter| {
        let store = store.clone();
        async move {
            let page = store.measure_list(plan.id, &filter, Paging::default()).await.expect("list");
            page.items.iter().map(|m| m.data.number.to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(list(MeasureFilter::default()).await, ["1.", "1.1.", "2.", "10."], "numbers sort as numbers");
    assert_eq!(list(MeasureFilter { query: Some("ПОБЕДЫ".into()), ..Default::default() }).await, ["2."]);
    assert_eq!(
        list(MeasureFilter { query: Some("мАз".into()), ..Default::default() }).await,
        ["1.", "1.1."],
        "executor names are searchable"
    );
    assert_eq!(list(MeasureFilter { side: Some(Side::Khv), ..Default::default() }).await, ["1.1.", "2.", "10."]);
    assert_eq!(list(MeasureFilter { executor: Some(maz), ..Default::default() }).await, ["1.", "1.1."]);
    assert_eq!(list(MeasureFilter { status: Some(Status::Done), ..Default::default() }).await, ["2."]);
    assert_eq!(list(MeasureFilter { tag: Some("Молодёжь".into()), ..Default::default() }).await, ["2."]);
    assert_eq!(list(MeasureFilter { section: Some("culture".into()), ..Default::default() }).await, ["2."]);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27);
    assert_eq!(
        list(MeasureFilter { overdue: true, today, ..Default::default() }).await,
        ["1.1.", "10."],
        "done ones are never overdue; the quarterly 10. is, as no report for 2026Q3 was handed in"
    );
    // A quarterly measure is due in every quarter of the plan (issue 16), not only in its last.
    assert_eq!(
        list(MeasureFilter { due: accord_domain::Quarter::new(2026, 2), ..Default::default() }).await,
        ["1.1.", "10."]
    );
    assert_eq!(list(MeasureFilter { due: accord_domain::Quarter::new(2025, 3), ..Default::default() }).await, ["10."]);
    assert!(
        list(MeasureFilter { due: accord_domain::Quarter::new(2031, 1), ..Default::default() }).await.is_empty(),
        "nothing recurs after the plan's end"
    );
    let by_term = list(MeasureFilter { sort: MeasureSort::Term, ..Default::default() }).await;
    assert_eq!(by_term, ["2.", "1.1.", "1.", "10."]);
    let by_term_descending =
        list(MeasureFilter { sort: MeasureSort::Term, descending: true, ..Default::default() }).await;
    assert_eq!(by_term_descending, ["1.", "10.", "1.1.", "2."], "equal terms keep number order");
    let by_status = list(MeasureFilter { sort: MeasureSort::Status, ..Default::default() }).await;
    assert_eq!(by_status, ["2.", "1.", "1.1.", "10."], "by status code, then number");
    let second_page = store
        .measure_list(
            plan.id,
            &MeasureFilter { side: Some(Side::Khv), ..Default::default() },
            Paging { page: 2, per_page: 2 },
        )
        .await
        .expect("page 2");
    assert_eq!((second_page.total, second_page.items.len()), (3, 1));
    assert_eq!(second_page.items[0].data.number.to_string(), "10.");
    assert_eq!(
        store.measure_tags(plan.id).await.expect("tags"),
        [("80 лет победы".to_string(), 1), ("молодёжь".to_string(), 1), ("сервис".to_string(), 1)]
    );

    // Edits: a stale version is refused; a parent with children cannot go.
    let service = store
        .measure_list(
            plan.id,
            &MeasureFilter { query: Some("сервисный".into()), ..Default::default() },
            Paging::default(),
        )
        .await
        .expect("list")
        .items
        .remove(0);
    assert_eq!(service.data.executors.len(), 2);
    assert_eq!(service.data.tags, ["сервис"]);
    let mut changed = service.data.clone();
    changed.percent = 60;
    let updated = store
        .measure_update(ADMIN, service.id, service.version, &changed, Some("progress".into()))
        .await
        .expect("update");
    assert_eq!(updated.version, 2);
    assert!(matches!(
        store.measure_update(ADMIN, service.id, 1, &changed, None).await,
        Err(StoreError::Conflict { .. })
    ));
    let parent =
        store.measure_list(plan.id, &MeasureFilter::default(), Paging::default()).await.expect("list").items.remove(0);
    assert!(matches!(
        store.measure_delete(ADMIN, parent.id, parent.version, None).await,
        Err(StoreError::InUse { .. })
    ));
    // A measure naming an executor on the wrong side is refused whole.
    let wrong = measure(
        "3.",
        "trade",
        "X",
        "2025 г.",
        "not-started",
        vec![Executor { organisation: maz, side: Side::Khv, lead: true }],
        "",
    );
    assert!(matches!(store.measure_create(ADMIN, plan.id, &wrong).await, Err(StoreError::Invalid(_))));
    // An import with one bad row applies nothing.
    let mut batch = measures.clone();
    batch[0].title_ru = "Поставки техники и запчастей".into();
    batch.push(measure("11.", "nonexistent-section", "X", "2025 г.", "not-started", vec![], ""));
    assert!(store.measures_import(ADMIN, plan.id, &batch).await.is_err());
    assert_eq!(store.measure(parent.id).await.expect("read").data.title_ru, "Поставки техники");
    assert_eq!(
        store.audit_verify().await.expect("verify").checked,
        audited + 1,
        "only the successful update was logged"
    );
    let history = store.audit_history("measure", &service.id.to_string()).await.expect("history");
    assert_eq!(history.len(), 2);
    // Rows from before executors and tags were kept on the row still read them in full.
    let with_json = store.measures_of_plan(plan.id).await.expect("measures");
    store.testing_forget_measure_children().await.expect("forget");
    assert_eq!(store.measures_of_plan(plan.id).await.expect("measures"), with_json);
    assert_eq!(store.measure(service.id).await.expect("read").data.executors.len(), 2);
    assert_eq!(history[1].reason.as_deref(), Some("progress"));
}

async fn indicators_and_actuals(store: Store) {
    use accord_domain::plan::indicator::IndicatorForm;
    let (plan, maz, _) = plan_with_orgs(&store).await;
    let m = store
        .measure_create(
            ADMIN,
            plan.id,
            &measure(
                "1.",
                "trade",
                "Товарооборот",
                "2025-2027 гг.",
                "in-progress",
                vec![accord_domain::plan::Executor { organisation: maz, side: Side::By, lead: true }],
                "",
            ),
        )
        .await
        .expect("measure");
    let data = IndicatorForm {
        name_ru: "Товарооборот".into(),
        unit: "млн USD".into(),
        direction: "increase".into(),
        accumulation: "cumulative".into(),
        value_kind: "quantity".into(),
        baseline: Some("100".into()),
        target: Some("150,5".into()),
        yearly_targets: Some("2025: 120; 2026: 135".into()),
        ..Default::default()
    }
    .validate()
    .expect("indicator");
    let indicator = store.indicator_create(ADMIN, m.id, &data).await.expect("create");
    let q = |y, n| accord_domain::Quarter::new(y, n).expect("quarter");
    let dec = |s: &str| accord_domain::plan::indicator::parse_decimal(s).expect("decimal");
    store.indicator_set_actual(ADMIN, indicator.id, q(2025, 1), Some(dec("104.25"))).await.expect("Q1");
    store.indicator_set_actual(ADMIN, indicator.id, q(2025, 2), Some(dec("110"))).await.expect("Q2");
    store.indicator_set_actual(ADMIN, indicator.id, q(2025, 2), Some(dec("111"))).await.expect("Q2 corrected");
    store.indicator_set_actual(ADMIN, indicator.id, q(2025, 2), Some(dec("111"))).await.expect("same again: no entry");
    let read = store.indicator(indicator.id).await.expect("read");
    assert_eq!(read.data.target, Some(dec("150.5")), "decimals stay exact");
    assert_eq!(read.data.yearly_targets, vec![(2025, dec("120")), (2026, dec("135"))]);
    assert_eq!(
        read.actuals.iter().map(|a| (a.quarter.to_string(), a.value.to_string())).collect::<Vec<_>>(),
        [("2025Q1".to_string(), "104.25".to_string()), ("2025Q2".into(), "111".into())]
    );
    let by_plan = store.indicators_of_plan(plan.id).await.expect("plan indicators");
    assert_eq!(by_plan[&m.id][0].actuals.len(), 2);
    store.indicator_set_actual(ADMIN, indicator.id, q(2025, 1), None).await.expect("remove Q1");
    assert_eq!(store.indicators_of(m.id).await.expect("list")[0].actuals.len(), 1);
    let history = store.audit_history("indicator_value", &format!("{}/2025Q2", indicator.id)).await.expect("history");
    assert_eq!(history.iter().map(|e| e.operation.code()).collect::<Vec<_>>(), ["create", "update"]);
    assert!(matches!(store.indicator_update(ADMIN, indicator.id, 7, &data).await, Err(StoreError::Conflict { .. })));
    assert_eq!(store.audit_verify().await.expect("verify").first_break, None);
}

/// A second process writing to the same database: this one's cached copies (the measures
/// table, organisations, sessions) notice within `CACHE_RECHECK`.
async fn another_process_writes_are_seen(store: Store) {
    let (plan, maz, _) = plan_with_orgs(&store).await;
    let lead = accord_domain::plan::Executor { organisation: maz, side: Side::By, lead: true };
    let first = measure("1.", "trade", "Поставки техники", "2025 г.", "in-progress", vec![lead.clone()], "");
    store.measures_import(ADMIN, plan.id, std::slice::from_ref(&first)).await.expect("import");
    let titles = |store: Store| async move {
        let page = store.measure_list(plan.id, &MeasureFilter::default(), Paging::default()).await.expect("list");
        page.items.into_iter().map(|m| m.data.title_ru).collect::<Vec<_>>()
    };
    assert_eq!(titles(store.clone()).await, ["Поставки техники"]);
    let user = store
        .user_create(
            ADMIN,
            &NewUser {
                login: Login::parse("watcher").expect("login"),
                display_name: "Наблюдатель".into(),
                password_hash: "x".into(),
                role: Role::Observer { side: None },
                locale: Locale::Ru,
            },
        )
        .await
        .expect("user");
    store.session_create(user.id, "shared-session", "csrf", chrono::Duration::hours(1)).await.expect("session");
    assert!(store.session_user("shared-session").await.expect("session").is_some());

    let other = store.testing_another_process();
    let second = measure("2.", "trade", "Рыба в Беларусь", "2026 г.", "not-started", vec![lead], "");
    other.measures_import(ADMIN, plan.id, &[first, second]).await.expect("import elsewhere");
    other.session_delete("shared-session").await.expect("sign out elsewhere");
    tokio::time::sleep(accord_store::CACHE_RECHECK + std::time::Duration::from_millis(50)).await;
    assert_eq!(titles(store.clone()).await, ["Поставки техники", "Рыба в Беларусь"]);
    assert!(store.session_user("shared-session").await.expect("session").is_none(), "signed out on the other");
    // This process's own writes show at once.
    let third = store
        .measure_create(
            ADMIN,
            plan.id,
            &measure("3.", "trade", "Сервис", "по отдельному плану", "not-started", vec![], ""),
        )
        .await
        .expect("create");
    assert_eq!(titles(store.clone()).await.last(), Some(&third.data.title_ru));
    for descending in [false, true] {
        let filter = MeasureFilter { sort: MeasureSort::Term, descending, ..Default::default() };
        let page = store.measure_list(plan.id, &filter, Paging::default()).await.expect("by term");
        let numbers: Vec<String> = page.items.iter().map(|m| m.data.number.to_string()).collect();
        let expected = if descending { ["2.", "1.", "3."] } else { ["1.", "2.", "3."] };
        assert_eq!(numbers, expected, "a term without a date sorts last either way");
    }
}

mod trade_stories {
    use accord_domain::Side;
    use accord_domain::trade::{
        AggregatedRecord, CommodityCode, Currency, Flow, MirrorStatus, Money, Period, ProductGroup, Rate, Source,
        Territory, TradeRecord, YearMonth,
    };
    use accord_store::{Author, MirrorKey, Store, StoreError, TradeFile};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    const ADMIN: Author<'static> = Author { login: Some("admin") };

    fn record(month: u32, code: &str, cents: i64) -> AggregatedRecord {
        AggregatedRecord::of(&TradeRecord {
            period: Period::Month(YearMonth::new(2025, month).expect("month")),
            flow: Flow::Export,
            reporter: Territory::BY_MA,
            partner: Territory::RU_KHA,
            code: CommodityCode::parse(code).expect("code"),
            value: Money::new(cents, Currency::Usd),
            net_mass_kg: None,
            supplementary_qty: None,
            supplementary_unit: None,
        })
    }

    fn file(sha: &str) -> TradeFile {
        TradeFile { file_name: format!("{sha}.csv"), format: "template-csv".into(), sha256: sha.into(), rows_read: 3 }
    }

    fn total(records: &[AggregatedRecord]) -> i64 {
        records.iter().map(|r| r.value.minor).sum()
    }

    pub async fn imports_replace_their_periods_and_repeat_as_no_ops(store: Store) {
        let source =
            Source { side: Side::By, name: "Могилевоблстат".into(), file_name: "jan-feb.csv".into() };
        let first = vec![record(1, "8701 91 100 0", 10000), record(2, "8701 91 100 0", 20000), record(2, "0401", 500)];
        let outcome = store.trade_import(ADMIN, &source, &file("a"), &first).await.expect("import");
        assert_eq!((outcome.inserted, outcome.replaced, outcome.periods), (3, 0, 2));
        let again = store.trade_import(ADMIN, &source, &file("a"), &first).await.expect("again");
        assert!(again.unchanged, "the same file twice changes nothing");
        assert_eq!(total(&store.trade_data().await.expect("data").records), 30500);
        // A corrected February replaces February only.
        let corrected = vec![record(2, "8701 91 100 0", 21000)];
        let outcome = store.trade_import(ADMIN, &source, &file("b"), &corrected).await.expect("correction");
        assert_eq!((outcome.inserted, outcome.replaced), (1, 2));
        let data = store.trade_data().await.expect("data");
        assert_eq!(total(&data.records), 31000);
        assert!(data.sides.iter().all(|s| *s == Side::By));
        let sources = store.trade_sources().await.expect("sources");
        assert_eq!(sources.len(), 1);
        assert_eq!((sources[0].records, sources[0].imports.len()), (2, 2));
        // Another side's source keeps its own records.
        let other = Source { side: Side::Khv, name: "Хабаровскстат".into(), file_name: "x.csv".into() };
        store.trade_import(ADMIN, &other, &file("c"), &[record(2, "0302", 100)]).await.expect("other side");
        assert_eq!(total(&store.trade_data().await.expect("data").records), 31100);
        assert!(store.audit_verify().await.expect("verify").first_break.is_none());
    }

    pub async fn rates_are_kept_once_and_conflicts_refused(store: Store) {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("date");
        let rate = |value: &str, units| Rate {
            date: day,
            base: Currency::Rub,
            currency: Currency::Usd,
            units,
            value: Decimal::from_str(value).expect("decimal"),
        };
        let outcome = store.rates_import(ADMIN, "a.xml", &[rate("78.5", 1)]).await.expect("rates");
        assert_eq!((outcome.inserted, outcome.unchanged), (1, 0));
        let same = store.rates_import(ADMIN, "b.xml", &[rate("785", 10)]).await.expect("same price per unit");
        assert_eq!((same.inserted, same.unchanged), (0, 1));
        let conflict = store.rates_import(ADMIN, "c.xml", &[rate("79", 1)]).await;
        assert!(
            matches!(conflict, Err(StoreError::RateConflict { ref date, .. }) if date == "2025-06-30"),
            "{conflict:?}"
        );
        let table = store.rate_table().await.expect("table");
        let converted = table
            .convert(Money::new(78500, Currency::Rub), Currency::Usd, day, accord_domain::trade::RateBasis::OnDate)
            .expect("convert");
        assert_eq!(converted, Money::new(1000, Currency::Usd));
        let coverage = store.rates_coverage().await.expect("coverage");
        assert_eq!(coverage.len(), 1);
        assert_eq!(coverage[0].1, 1);
    }

    pub async fn product_groups_and_mirror_verdicts(store: Store) {
        let group = ProductGroup::new(
            "machinery",
            "Белорусская техника",
            "Belarusian machinery",
            ["8701", "8704"].iter().map(|c| CommodityCode::parse(c).expect("code")),
            Some(Side::By),
        )
        .expect("group")
        .with_target(2025, Money::new(2500000000, Currency::Usd));
        let stored = store.product_group_save(ADMIN, &group, None).await.expect("save");
        assert_eq!(stored.version, 1);
        let stale = store.product_group_save(ADMIN, &group, Some(7)).await;
        assert!(matches!(stale, Err(StoreError::Conflict { current: 1, .. })));
        let groups = store.product_groups().await.expect("groups");
        assert_eq!(groups[0].group, group, "prefixes, side and targets survive the round trip");
        let missing = accord_domain::MeasureId(uuid::Uuid::now_v7());
        assert!(store.product_group_link(ADMIN, &stored.id, &[missing]).await.is_err(), "unknown measure");
        store.product_group_delete(ADMIN, &stored.id, 1).await.expect("delete");
        assert!(store.product_groups().await.expect("groups").is_empty());

        let key = MirrorKey {
            exporter: Territory::BY_MA,
            importer: Territory::RU_KHA,
            bucket: "2025Q1".into(),
            code: String::new(),
        };
        let refused = store.mirror_verdict_set(ADMIN, &key, None, MirrorStatus::Explained, None).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "an explanation needs a comment");
        let first = store
            .mirror_verdict_set(ADMIN, &key, None, MirrorStatus::Explained, Some("CIF/FOB"))
            .await
            .expect("verdict");
        assert_eq!(first.version, 1);
        let stale = store.mirror_verdict_set(ADMIN, &key, None, MirrorStatus::Accepted, None).await;
        assert!(matches!(stale, Err(StoreError::Conflict { .. })), "a second first verdict is stale");
        store.mirror_verdict_set(ADMIN, &key, Some(1), MirrorStatus::Accepted, None).await.expect("accept");
        let verdicts = store.mirror_verdicts().await.expect("verdicts");
        assert_eq!((verdicts[0].status, verdicts[0].version), (MirrorStatus::Accepted, 2));
    }
}

use trade_stories::{
    imports_replace_their_periods_and_repeat_as_no_ops, product_groups_and_mirror_verdicts,
    rates_are_kept_once_and_conflicts_refused,
};
