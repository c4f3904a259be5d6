//! Accounts at the application layer, on both backends: a user's change is checked whole and
//! written once, reads of the log and of the users are authorised, one's own language is a
//! versioned, audited change, and signing in refuses without telling why.

use crate::directory_stories::audit_entries;
use crate::on_both_backends;
use crate::support::{Who, World};
use accord_app::account::{LocaleInput, PasswordChange, TokenInput, UserInput, secret_hash};
use accord_app::{Actor, App, Error};
use accord_domain::Side;
use accord_domain::directory::{Locale, Role};
use accord_domain::validation::Reason;
use accord_store::{AuditFilter, Paging};

on_both_backends!(
    a_role_change_with_a_short_password_writes_nothing,
    a_refused_user_names_every_bad_field,
    reads_of_the_log_and_the_users_are_authorised,
    ones_own_language_is_a_versioned_audited_change,
    signing_in_and_out,
    the_operator_and_other_users_accounts,
    failed_sign_ins_slow_the_login_not_its_neighbours,
    a_burst_of_sign_ins_runs_few_hashes,
    demo_passwords_work_only_on_a_demo_server,
    tokens_expire_and_end_with_a_password_change,
);

fn ttl() -> chrono::Duration {
    chrono::Duration::hours(1)
}

async fn a_role_change_with_a_short_password_writes_nothing(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let admin = world.actor(Who::Admin);
    let before = world.store().user_by_login("exec.maz").await.expect("user");
    let entries = audit_entries(world.store()).await;
    let mut input = app.user_input_of(&admin, "exec.maz").await.expect("form");
    input.role = "observer".into();
    input.organisation = None;
    input.password = Some("short".into());
    match app.user_change(&admin, "exec.maz", &input).await {
        Err(Error::Invalid(invalid)) => assert_eq!(invalid.reason_for("password"), Some(Reason::TooShort)),
        other => panic!("a short password is refused, got {other:?}"),
    }
    let after = world.store().user_by_login("exec.maz").await.expect("user");
    assert_eq!(after, before, "neither the role nor anything else changed");
    assert_eq!(audit_entries(world.store()).await, entries, "nothing written");

    // With a long enough password the role and the password change together: one entry.
    input.password = Some("a-new-password".into());
    let changed = app.user_change(&admin, "exec.maz", &input).await.expect("changed");
    assert_eq!((changed.role, changed.version), (Role::Observer { side: Some(Side::By) }, before.version + 1));
    assert_eq!(audit_entries(world.store()).await, entries + 1);
    let history = app.audit_history(&admin, "user", &before.id.to_string()).await.expect("history");
    let last = history.last().expect("an entry");
    assert_eq!(last.reason.as_deref(), Some("password changed"));
    assert!(!last.after.as_deref().unwrap_or_default().contains("argon2"), "no hash in the log");
    assert!(app.sign_in("exec.maz", "a-new-password", ttl()).await.expect("sign in").is_some());
    // The form's version is now old: saving it again is a conflict, not an overwrite.
    assert!(matches!(app.user_change(&admin, "exec.maz", &input).await, Err(Error::Stale { .. })));
    let without = UserInput { version: None, ..input };
    assert!(
        matches!(app.user_change(&admin, "exec.maz", &without).await, Err(Error::Invalid(i)) if i.reason_for("version") == Some(Reason::Required))
    );
}

async fn a_refused_user_names_every_bad_field(app: App) {
    let world = World::new(app, false).await;
    let input = UserInput {
        login: "x".into(),
        display_name: "Кто-то".into(),
        password: Some("123".into()),
        role: "wizard".into(),
        locale: Some("de".into()),
        ..Default::default()
    };
    let Err(Error::Invalid(invalid)) = world.app.user_create(&world.actor(Who::Admin), &input).await else {
        panic!("refused");
    };
    for field in ["login", "password", "role", "locale"] {
        assert!(invalid.reason_for(field).is_some(), "{field} named: {invalid:?}");
    }
    // A coordinator is refused before the input is looked at.
    let refused = world.app.user_create(&world.actor(Who::CoordinatorBy), &input).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
}

async fn reads_of_the_log_and_the_users_are_authorised(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let filter = AuditFilter::default();
    for who in [Who::Admin, Who::CoordinatorBy, Who::CoordinatorKhv] {
        let actor = world.actor(who);
        assert!(app.audit_list(&actor, &filter, Paging::default()).await.expect("list").total > 0);
        assert!(app.audit_verify(&actor).await.expect("verify").first_break.is_none());
        assert!(
            !app.audit_history(&actor, "organisation", &world.maz.id.to_string()).await.expect("history").is_empty()
        );
    }
    for who in [Who::ExecutorOfRecord, Who::ExecutorOther, Who::Observer] {
        let actor = world.actor(who);
        assert!(matches!(app.audit_list(&actor, &filter, Paging::default()).await, Err(Error::Forbidden(_))));
        assert!(matches!(app.audit_verify(&actor).await, Err(Error::Forbidden(_))));
        assert!(matches!(
            app.audit_history(&actor, "organisation", &world.maz.id.to_string()).await,
            Err(Error::Forbidden(_))
        ));
    }
    assert_eq!(app.user_list(&world.actor(Who::Admin)).await.expect("users").len(), 6);
    assert!(app.user_list(&Actor::operator()).await.is_ok(), "the operator at the shell lists users");
    for who in [Who::CoordinatorBy, Who::CoordinatorKhv, Who::ExecutorOfRecord, Who::Observer] {
        assert!(matches!(app.user_list(&world.actor(who)).await, Err(Error::Forbidden(_))), "{who:?}");
        assert!(matches!(app.user_input_of(&world.actor(who), "admin").await, Err(Error::Forbidden(_))), "{who:?}");
    }
}

async fn ones_own_language_is_a_versioned_audited_change(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let admin = world.actor(Who::Admin);
    let form = app.user_input_of(&admin, "coord.by").await.expect("form opened by the admin");
    let entries = audit_entries(world.store()).await;
    let coord = world.actor(Who::CoordinatorBy);
    let changed = app.own_locale_change(&coord, &LocaleInput { locale: "en".into() }).await.expect("changed");
    assert_eq!((changed.locale, changed.version), (Locale::En, form.version.expect("version") + 1));
    assert_eq!(audit_entries(world.store()).await, entries + 1, "audited");
    // The same language again writes nothing.
    app.own_locale_change(&coord, &LocaleInput { locale: "en-GB".into() }).await.expect("unchanged");
    assert_eq!(audit_entries(world.store()).await, entries + 1);
    // The admin's form, opened before, no longer overwrites the user's choice.
    assert!(matches!(app.user_change(&admin, "coord.by", &form).await, Err(Error::Stale { .. })));
    let unknown = app.own_locale_change(&coord, &LocaleInput { locale: "de".into() }).await;
    assert!(matches!(unknown, Err(Error::Invalid(i)) if i.reason_for("locale") == Some(Reason::UnknownValue)));
}

async fn signing_in_and_out(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let input = UserInput {
        login: "Petrov".into(),
        display_name: "Петров П. П.".into(),
        password: Some("a-long-password".into()),
        role: "executor".into(),
        organisation: Some("maz".into()),
        ..Default::default()
    };
    let user = app.user_create(&Actor::operator(), &input).await.expect("created");
    assert_eq!(user.login.as_str(), "petrov");
    assert!(app.sign_in("petrov", "wrong-password", ttl()).await.expect("answer").is_none());
    assert!(app.sign_in("nobody", "a-long-password", ttl()).await.expect("answer").is_none());
    let signed = app.sign_in(" PETROV ", "a-long-password", ttl()).await.expect("answer").expect("signed in");
    let hash = secret_hash(&signed.token);
    assert_eq!(world.store().session_user(&hash).await.expect("session").map(|s| s.user.id), Some(user.id));
    app.sign_out(&hash).await.expect("signed out");
    assert!(world.store().session_user(&hash).await.expect("session").is_none());

    // A new password ends every session; a disabled account signs in nowhere.
    let again = app.sign_in("petrov", "a-long-password", ttl()).await.expect("answer").expect("signed in");
    let own = Actor::user(world.store().user(user.id).await.expect("user"));
    let wrong = PasswordChange { current: "not-it".into(), new_password: "another-password".into() };
    assert!(
        matches!(app.own_password_change(&own, &wrong).await, Err(Error::Refused(r)) if r.field == Some("current"))
    );
    let short = PasswordChange { current: "a-long-password".into(), new_password: "short".into() };
    assert!(matches!(app.own_password_change(&own, &short).await, Err(Error::Invalid(_))));
    let good = PasswordChange { current: "a-long-password".into(), new_password: "another-password".into() };
    app.own_password_change(&own, &good).await.expect("changed");
    assert!(world.store().session_user(&secret_hash(&again.token)).await.expect("session").is_none());
    app.user_disable(&world.actor(Who::Admin), "petrov").await.expect("disabled");
    assert!(app.sign_in("petrov", "another-password", ttl()).await.expect("answer").is_none());
}

async fn the_operator_and_other_users_accounts(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let operator = Actor::operator();
    let label = TokenInput { label: Some("1C".into()), ..Default::default() };
    // The operator has no account of its own, but issues tokens to users.
    let change = PasswordChange { current: "x".into(), new_password: "long-enough".into() };
    assert!(matches!(app.own_password_change(&operator, &change).await, Err(Error::Forbidden(_))));
    assert!(matches!(app.token_create(&operator, None, &label).await, Err(Error::Forbidden(_))));
    let token = app.token_create(&operator, Some("exec.maz"), &label).await.expect("token");
    let user = world.store().token_user(&secret_hash(&token.secret)).await.expect("read").expect("live");
    assert_eq!(user.login.as_str(), "exec.maz");
    // Another user's tokens are refused before the login is looked up.
    let coord = world.actor(Who::CoordinatorBy);
    assert!(matches!(app.token_create(&coord, Some("no.such.user"), &label).await, Err(Error::Forbidden(_))));
    assert!(matches!(app.token_revoke(&coord, Some("exec.maz"), &token.id).await, Err(Error::Forbidden(_))));
    // An administrator does not lock themselves out, and nothing is written trying.
    let admin = world.actor(Who::Admin);
    let entries = audit_entries(world.store()).await;
    let refused = app.user_disable(&admin, "admin").await;
    assert!(matches!(refused, Err(Error::Refused(ref r)) if r.code == "self_lockout"), "{refused:?}");
    let mut form = app.user_input_of(&admin, "admin").await.expect("form");
    form.role = "observer".into();
    assert!(matches!(app.user_change(&admin, "admin", &form).await, Err(Error::Refused(_))));
    assert_eq!(audit_entries(world.store()).await, entries);
    // A disabled account gets no token.
    app.user_disable(&operator, "exec.belaz").await.expect("disabled");
    let refused = app.token_create(&operator, Some("exec.belaz"), &label).await;
    assert!(matches!(refused, Err(Error::Refused(ref r)) if r.code == "user_disabled"), "{refused:?}");
}

/// A user with a password, made through the use case.
async fn account_with_password(app: &App, login: &str, password: &str) {
    let input = UserInput {
        login: login.into(),
        display_name: login.into(),
        password: Some(password.into()),
        role: "executor".into(),
        organisation: Some("maz".into()),
        ..Default::default()
    };
    app.user_create(&Actor::operator(), &input).await.expect("created");
}

async fn failed_sign_ins_slow_the_login_not_its_neighbours(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    account_with_password(app, "petrov", "petrov-password").await;
    account_with_password(app, "sidorov", "sidorov-password").await;
    let proxy = Some("192.0.2.1");
    // 50 wrong passwords for petrov from one address: five are checked, the rest refused
    // unchecked, each saying when to come back.
    let (mut wrong, mut refused) = (0, 0);
    for _ in 0..50 {
        match app.sign_in_from("petrov", "guess-guess", proxy, ttl()).await {
            Ok(None) => wrong += 1,
            Err(Error::TooManyAttempts { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
                refused += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((wrong, refused), (5, 45));
    // Petrov is under attack: even his own password waits, from anywhere.
    let own = app.sign_in_from("petrov", "petrov-password", Some("198.51.100.9"), ttl()).await;
    assert!(matches!(own, Err(Error::TooManyAttempts { .. })), "{own:?}");
    // Sidorov, behind the same proxy, signs in at once.
    let signed = app.sign_in_from("sidorov", "sidorov-password", proxy, ttl()).await.expect("answer");
    assert_eq!(signed.expect("signed in").user.login.as_str(), "sidorov");
    // A spray over many logins fills the address; a login that has not failed still gets in.
    for i in 0..60 {
        let _ = app.sign_in_from(&format!("nobody{i}"), "guess-guess", proxy, ttl()).await;
    }
    assert!(matches!(app.sign_in_from("nobody0", "guess", proxy, ttl()).await, Err(Error::TooManyAttempts { .. })));
    assert!(app.sign_in_from("sidorov", "sidorov-password", proxy, ttl()).await.expect("answer").is_some());
    // Wrong current passwords count like failed sign-ins (per user, whatever the door).
    let sidorov = Actor::user(world.store().user_by_login("sidorov").await.expect("user"));
    let wrong = PasswordChange { current: "not-it".into(), new_password: "another-password".into() };
    for _ in 0..5 {
        assert!(matches!(app.own_password_change(&sidorov, &wrong).await, Err(Error::Refused(_))));
    }
    let throttled = app.own_password_change(&sidorov, &wrong).await;
    assert!(matches!(throttled, Err(Error::TooManyAttempts { .. })), "{throttled:?}");
}

async fn a_burst_of_sign_ins_runs_few_hashes(app: App) {
    let world = World::new(app, false).await;
    let app = world.app.clone();
    account_with_password(&app, "ivanov", "ivanov-password").await;
    // Twelve at once for one login: the check and the count are one step, so five get to the
    // password check and seven are refused without one.
    let attempts = (0..12).map(|_| {
        let app = app.clone();
        tokio::spawn(async move { app.sign_in_from("ivanov", "guess-guess", Some("203.0.113.5"), ttl()).await })
    });
    let mut checked = 0;
    let mut refused = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(None) => checked += 1,
            Err(Error::TooManyAttempts { .. }) => refused += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((checked, refused), (5, 7));
    // And never more than the bound of password hashes at the same moment in this process.
    let peak = accord_app::account::hashing_peak();
    assert!((1..=accord_app::account::HASHING_AT_ONCE).contains(&peak), "peak {peak}");
}

async fn demo_passwords_work_only_on_a_demo_server(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    account_with_password(app, "tech.service", "tech.service-demo").await;
    let refused = app.sign_in("tech.service", "tech.service-demo", ttl()).await;
    assert!(matches!(refused, Err(Error::Forbidden(ref r)) if r.code == "demo_account"), "{refused:?}");
    let demo = app.clone().with_demo_accounts(true);
    assert!(demo.sign_in("tech.service", "tech.service-demo", ttl()).await.expect("answer").is_some());
    // A demo login with a password of its own signs in anywhere.
    app.user_password_set(&Actor::operator(), "tech.service", "a-real-password").await.expect("set");
    assert!(app.sign_in("tech.service", "a-real-password", ttl()).await.expect("answer").is_some());
}

async fn tokens_expire_and_end_with_a_password_change(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let store = world.store();
    let operator = Actor::operator();
    let input = TokenInput { label: Some("1C".into()), expires: Some("90d".into()) };
    let token = app.token_create(&operator, Some("exec.maz"), &input).await.expect("token");
    let expires = token.expires_at.expect("an expiry");
    let days = (expires - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((89.9..=90.0).contains(&days), "{days}");
    assert!(store.token_user(&secret_hash(&token.secret)).await.expect("read").is_some());
    let forever = app.token_create(&operator, Some("exec.maz"), &TokenInput::default()).await.expect("token");
    assert_eq!(forever.expires_at, None);
    let bad = TokenInput { expires: Some("soon".into()), ..Default::default() };
    let refused = app.token_create(&operator, Some("exec.maz"), &bad).await;
    assert!(matches!(refused, Err(Error::Refused(ref r)) if r.field == Some("expires")), "{refused:?}");
    // A token past its expiry is refused, and listed as such until revoked.
    let user = store.user_by_login("exec.maz").await.expect("user");
    let old = accord_app::account::new_secret();
    let mut w = store.begin_write(accord_store::Author::SYSTEM).await.expect("write");
    let past = Some(chrono::Utc::now() - chrono::Duration::minutes(1));
    store.token_create_in(&mut w, user.id, Some("old"), &secret_hash(&old), past).await.expect("token");
    w.commit().await.expect("commit");
    assert!(store.token_user(&secret_hash(&old)).await.expect("read").is_none());
    let listed = store.token_list(user.id).await.expect("list");
    assert_eq!(listed.iter().filter(|t| t.is_expired(&chrono::Utc::now())).count(), 1);
    assert_eq!(listed.len(), 3);
    // An administrator's new password revokes every token of the user, audited, in the same
    // transaction as the password.
    let entries = audit_entries(store).await;
    app.user_password_set(&world.actor(Who::Admin), "exec.maz", "a-new-password").await.expect("set");
    assert!(store.token_user(&secret_hash(&token.secret)).await.expect("read").is_none());
    assert!(store.token_user(&secret_hash(&forever.secret)).await.expect("read").is_none());
    assert!(store.token_list(user.id).await.expect("list").is_empty());
    assert_eq!(audit_entries(store).await, entries + 4, "the password and three revocations");
    // One's own new password does the same.
    let mine = app.token_create(&operator, Some("exec.maz"), &TokenInput::default()).await.expect("token");
    let own = Actor::user(store.user_by_login("exec.maz").await.expect("user"));
    let change = PasswordChange { current: "a-new-password".into(), new_password: "a-third-password".into() };
    app.own_password_change(&own, &change).await.expect("changed");
    assert!(store.token_user(&secret_hash(&mine.secret)).await.expect("read").is_none());
}
