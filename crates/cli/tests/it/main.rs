//! The `accord` binary as a user runs it: commands, output, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

mod instance;
mod limits;
mod review;

struct Data(tempfile::TempDir);

impl Data {
    fn new() -> Data {
        Data(tempfile::tempdir().expect("temporary folder"))
    }

    fn accord(&self, args: &[&str]) -> Output {
        self.accord_with_stdin(args, None)
    }

    fn accord_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_accord"));
        cmd.arg("--data")
            .arg(self.0.path())
            .args(args)
            .env_remove("ACCORD_DATABASE_URL")
            .env_remove("ACCORD_LANG")
            .env("RUST_LOG", "warn");
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run accord");
        if let Some(input) = stdin {
            child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("accord output")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn migrate_reports_what_it_applied_once() {
    let data = Data::new();
    let first = data.accord(&["migrate"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("applied 0001 0001_directory"));
    assert!(data.0.path().join("accord.db").exists());
    assert!(data.0.path().join("files").is_dir());
    let second = data.accord(&["migrate"]);
    assert_eq!(stdout(&second).trim(), "no pending migrations");
}

#[test]
fn demo_refuses_a_store_with_data_unless_forced() {
    let data = Data::new();
    let loaded = data.accord(&["demo"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    assert!(stdout(&loaded).contains("25 organisations"));
    assert!(stdout(&loaded).contains("admin-demo"));
    let again = data.accord(&["demo"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"));
    let forced = data.accord(&["demo", "--force"]);
    assert!(forced.status.success());
    assert!(stdout(&forced).contains("0 organisations, 0 people, 0 users"), "nothing is added twice");
}

#[test]
fn users_are_added_listed_given_tokens_and_disabled() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    let added = data.accord_with_stdin(
        &[
            "user",
            "add",
            "--login",
            "Petrov",
            "--name",
            "Петров П. П.",
            "--role",
            "executor",
            "--org",
            "mtz",
            "--password-stdin",
        ],
        Some("a-long-password\n"),
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(stdout(&added).contains("created user petrov (executor)"));
    let list = stdout(&data.accord(&["user", "list"]));
    assert!(list.lines().any(|l| l.starts_with("petrov") && l.contains("executor") && l.contains("BY")), "{list}");

    let token = data.accord(&["user", "token", "petrov", "--label", "1C"]);
    assert!(token.status.success());
    let token = stdout(&token);
    assert_eq!(token.lines().count(), 1, "only the token is printed");
    assert_eq!(token.trim().len(), 43);

    let passwd = data.accord_with_stdin(&["user", "passwd", "petrov", "--password-stdin"], Some("another-password"));
    assert!(passwd.status.success(), "{}", stderr(&passwd));
    let disabled = data.accord(&["user", "disable", "petrov"]);
    assert!(disabled.status.success());
    assert!(stdout(&data.accord(&["user", "list"])).lines().any(|l| l.starts_with("petrov") && l.contains("disabled")));
    let verify = data.accord(&["audit", "verify"]);
    assert!(verify.status.success());
    assert!(stdout(&verify).contains("audit chain intact"));
}

#[test]
fn tokens_may_expire_and_the_demo_stays_out_of_real_stores() {
    let data = Data::new();
    let added = data.accord_with_stdin(
        &["user", "add", "--login", "ivanova", "--name", "Иванова", "--role", "admin", "--password-stdin"],
        Some("a-long-password\n"),
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let token = data.accord(&["user", "token", "ivanova", "--expires", "90d"]);
    assert!(token.status.success(), "{}", stderr(&token));
    assert_eq!(stdout(&token).trim().len(), 43, "only the token on stdout");
    let expected = (chrono::Utc::now() + chrono::Duration::days(90)).format("%Y-%m-%d").to_string();
    assert!(stderr(&token).contains(&format!("expires {expected}")), "{}", stderr(&token));
    let refused = data.accord(&["user", "token", "ivanova", "--expires", "soon"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    // A store with accounts of its own gets no demo accounts (published passwords), even forced.
    let demo = data.accord(&["demo", "--force"]);
    assert_eq!(demo.status.code(), Some(2));
    assert!(stderr(&demo).contains("accounts of its own (e.g. ivanova)"), "{}", stderr(&demo));
    let users = stdout(&data.accord(&["user", "list"]));
    assert!(!users.lines().any(|l| l.starts_with("admin") || l.starts_with("coord.by")), "{users}");
}

#[test]
fn user_and_audit_commands_obey_the_user_named_with_as() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    // Without --as the operator acts; --as a coordinator is refused users and may read the log;
    // --as an executor reads neither.
    assert!(data.accord(&["user", "list", "--as", "admin"]).status.success());
    for args in [
        &["user", "list", "--as", "coord.by"][..],
        &["user", "disable", "exec.maz", "--as", "coord.by"],
        &["user", "token", "exec.maz", "--as", "coord.khv"],
        &["audit", "verify", "--as", "exec.maz"],
    ] {
        let out = data.accord(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{args:?}: {}", stderr(&out));
    }
    let verify = data.accord(&["audit", "verify", "--as", "coord.khv"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    // A user makes their own token; a short password is named and changes nothing.
    let own = data.accord(&["user", "token", "exec.maz", "--as", "exec.maz"]);
    assert!(own.status.success(), "{}", stderr(&own));
    let short = data.accord_with_stdin(&["user", "passwd", "exec.maz", "--password-stdin"], Some("short"));
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("password"), "{}", stderr(&short));
    // An administrator cannot disable themselves; a disabled account gets no token.
    let myself = data.accord(&["user", "disable", "admin", "--as", "admin"]);
    assert_eq!(myself.status.code(), Some(2), "{}", stderr(&myself));
    assert!(data.accord(&["user", "disable", "exec.fish", "--as", "admin"]).status.success());
    let token = data.accord(&["user", "token", "exec.fish"]);
    assert_eq!(token.status.code(), Some(2));
    assert!(stderr(&token).contains("exec.fish"), "{}", stderr(&token));
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field() {
    let data = Data::new();
    assert!(data.accord(&["migrate"]).status.success());
    let cases: [(&[&str], Option<&str>, &str); 6] = [
        (
            &["user", "add", "--login", "x", "--name", "X", "--role", "admin", "--password-stdin"],
            Some("long-enough"),
            "login",
        ),
        (
            &["user", "add", "--login", "coord", "--name", "C", "--role", "coordinator", "--password-stdin"],
            Some("long-enough"),
            "side",
        ),
        (
            &[
                "user",
                "add",
                "--login",
                "exec",
                "--name",
                "E",
                "--role",
                "executor",
                "--org",
                "NOPE",
                "--password-stdin",
            ],
            Some("long-enough"),
            "organisation",
        ),
        (
            &["user", "add", "--login", "short", "--name", "S", "--role", "observer", "--password-stdin"],
            Some("123"),
            "password",
        ),
        (
            &["user", "add", "--login", "wizard", "--name", "W", "--role", "wizard", "--password-stdin"],
            Some("long-enough"),
            "role",
        ),
        (&["user", "token", "nobody"], None, "user not found"),
    ];
    for (args, stdin, expected) in cases {
        let out = data.accord_with_stdin(args, stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("error: ") && err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
    let usage = data.accord(&["user", "frobnicate"]);
    assert_eq!(usage.status.code(), Some(2));
    let url = data.accord(&["--database", "mysql://x", "migrate"]);
    assert_eq!(url.status.code(), Some(2));
    assert!(stderr(&url).contains("--database"));
}

#[test]
fn help_is_there_for_every_command() {
    let data = Data::new();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["user", "add", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["bench", "http", "--help"],
    ] {
        let out = data.accord(&args);
        assert!(out.status.success(), "{args:?}");
        assert!(stdout(&out).contains("Usage"), "{args:?}");
    }
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let data = Data::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("--data")
        .arg(data.0.path())
        .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().expect("stdout")));
    let address = loop {
        let line = lines.next().expect("a line").expect("utf-8");
        if let Some(rest) = line.strip_prefix("accord listening on ") {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
    let printed: Vec<String> = lines.by_ref().take(7).map(|l| l.expect("line")).collect();
    assert!(printed.iter().any(|l| l.contains("coord.khv-demo")), "demo logins printed: {printed:?}");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let health: serde_json::Value = runtime.block_on(async {
        reqwest::get(format!("{address}/healthz")).await.expect("healthz").json().await.expect("json")
    });
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "sqlite");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "a graceful stop exits 0");
}

#[test]
fn audit_verify_names_the_first_broken_entry() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    let url = format!("sqlite://{}", data.0.path().join("accord.db").display());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = accord_store::Store::open(&url, accord_domain::Side::By).await.expect("open");
        store.testing_tamper_audit_reason(12, "forged").await.expect("tamper");
        store.close().await;
    });
    let out = data.accord(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("broken at entry 12"), "{}", stderr(&out));
}

#[test]
fn plan_export_and_import_round_trip() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    for format in ["xlsx", "csv"] {
        let file = data.0.path().join(format!("plan.{format}"));
        let file = file.to_str().expect("utf-8 path");
        let export = data.accord(&["export", "plan", "--format", format, "--out", file]);
        assert!(export.status.success(), "{}", stderr(&export));
        assert!(stdout(&export).contains("exported 57 measures"));
        let import = data.accord(&["import", "plan", file, "--plan", "KHV-MOG-2025"]);
        assert!(import.status.success(), "{}", stderr(&import));
        assert!(stdout(&import).contains("0 created, 0 updated, 57 unchanged"), "{format}: {}", stdout(&import));
    }
    let json = data.0.path().join("plan.json");
    let export = data.accord(&["export", "plan", "--format", "json", "--out", json.to_str().expect("path")]);
    assert!(export.status.success());
    let parsed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json file")).expect("valid JSON");
    assert_eq!(parsed["measures"].as_array().map(Vec::len), Some(57));
}

/// The same rules as the page: a coordinator's edited copy of the signed plan waits for the
/// other side; the operator (no `--as`) may not change the signed text at all.
#[test]
fn an_edited_signed_plan_imported_at_the_shell_waits_for_the_other_side() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    let file = data.0.path().join("plan.csv");
    let file = file.to_str().expect("utf-8 path");
    assert!(data.accord(&["export", "plan", "--format", "csv", "--out", file]).status.success());
    let text = std::fs::read_to_string(file).expect("export");
    let title = "Проведение ежеквартальных видеоконференций по продвижению продукции сторон";
    assert!(text.contains(title), "1.1. is in the export");
    std::fs::write(file, text.replace(title, "Ежемесячные видеоконференции по продвижению продукции сторон"))
        .expect("edit");

    let as_operator = data.accord(&["--lang", "en", "import", "plan", file, "--plan", "KHV-MOG-2025"]);
    assert_eq!(as_operator.status.code(), Some(2), "{}", stderr(&as_operator));
    assert!(stderr(&as_operator).contains("proposed by a side's coordinator"), "{}", stderr(&as_operator));

    let by = data.accord(&["import", "plan", file, "--plan", "KHV-MOG-2025", "--as", "coord.by"]);
    assert!(by.status.success(), "{}", stderr(&by));
    assert!(
        stdout(&by).contains("0 updated") && stdout(&by).contains("awaiting the other side's approval: 1.1."),
        "{}",
        stdout(&by)
    );
    let again = data.accord(&["import", "plan", file, "--plan", "KHV-MOG-2025", "--as", "coord.by"]);
    assert!(
        stdout(&again).contains("1 awaiting approval"),
        "the same file again proposes nothing new: {}",
        stdout(&again)
    );
    let export = data.0.path().join("after.csv");
    let export = export.to_str().expect("utf-8 path");
    assert!(data.accord(&["export", "plan", "--format", "csv", "--out", export]).status.success());
    assert!(std::fs::read_to_string(export).expect("export").contains(title), "unchanged until the other side accepts");

    let unknown = data.accord(&["import", "plan", file, "--as", "nobody"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("--as"), "{}", stderr(&unknown));
}

#[test]
fn importing_a_plan_into_a_new_store_reports_every_problem_or_applies_all() {
    let data = Data::new();
    assert!(data.accord(&["migrate"]).status.success());
    let plan = data.0.path().join("plan.csv");
    std::fs::write(
        &plan,
        "\u{feff}ПЛАН мероприятий на 2025-2027 годы\n\
         № п/п;Наименование мероприятия;Срок исполнения;Исполнители с белорусской стороны;Исполнители с российской стороны;Ожидаемый результат;Примечание\n\
         ;1. Торгово-экономическое сотрудничество;;;;;\n\
         1.1.;Бизнес-миссия в Хабаровск;III квартал 2025 г.;Могилёвский облисполком;Правительство Хабаровского края;;\n\
         1.2.;;IV квартал 2025 г.;Могилёвский облисполком;;;\n\
         1.3.;Каталог продукции;когда-нибудь;;Правительство Хабаровского края;;\n",
    )
    .expect("write plan");
    let path = plan.to_str().expect("path");
    // The file's own shape is checked first...
    let refused = data.accord(&["import", "plan", path, "--dry-run"]);
    assert_eq!(refused.status.code(), Some(2));
    let err = stderr(&refused);
    assert!(
        err.contains("Строка 5, столбец «Наименование мероприятия»: не заполнено наименование мероприятия 1.2."),
        "the row without a title, in Russian by default: {err}"
    );
    assert!(err.lines().last().is_some_and(|l| l.contains("nothing was imported")));
    std::fs::write(&plan, std::fs::read_to_string(&plan).expect("read").replace("1.2.;;", "1.2.;Дегустации;"))
        .expect("fix row");
    // ...then every row against the directory, all problems at once.
    let refused = data.accord(&["import", "plan", path, "--dry-run"]);
    assert_eq!(refused.status.code(), Some(2));
    let err = stderr(&refused);
    assert!(
        err.contains(
            "Строка 4, столбец «Исполнители с белорусской стороны»: исполнитель «Могилёвский облисполком» не найден"
        ),
        "{err}"
    );
    assert!(err.contains("Строка 5, столбец") && err.contains("Строка 6, столбец"), "{err}");
    // The same problems in English, by option or by environment.
    let english = data.accord(&["--lang", "en", "import", "plan", path, "--dry-run"]);
    assert_eq!(english.status.code(), Some(2));
    let err = stderr(&english);
    assert!(
        err.contains(
            "Row 4, column 'Исполнители с белорусской стороны': executor \"Могилёвский облисполком\" is not in the directory"
        ),
        "{err}"
    );
    assert!(!err.contains("Строка"), "{err}");
    let mut by_env = Command::new(env!("CARGO_BIN_EXE_accord"));
    by_env.arg("--data").arg(data.0.path()).args(["import", "plan", path, "--dry-run"]);
    let by_env = by_env.env_remove("ACCORD_DATABASE_URL").env("ACCORD_LANG", "en").output().expect("run accord");
    assert!(stderr(&by_env).contains("Row 4, column 'Исполнители с белорусской стороны'"), "{}", stderr(&by_env));
    let dry = data.accord(&["import", "plan", path, "--dry-run", "--create-orgs"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("nothing was changed"));
    assert_eq!(stdout(&data.accord(&["export", "plan", "--out", "x.xlsx"])).len(), 0, "no plan exists after a dry run");

    let done = data.accord(&["import", "plan", path, "--create-orgs"]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stdout(&done).contains("imported plan PLAN-2025-2027: 3 created"), "{}", stdout(&done));
    assert!(stdout(&done).contains("2 organisations created for review"));
    let again = data.accord(&["import", "plan", path, "--plan", "PLAN-2025-2027"]);
    assert!(stdout(&again).contains("0 created, 0 updated, 3 unchanged"), "{}", stdout(&again));
}

#[test]
fn trade_import_is_all_or_nothing_and_summarised() {
    let data = Data::new();
    let dir = data.0.path();
    let good = dir.join("mogilev.csv");
    std::fs::write(
        &good,
        "Период;Направление;Отчитывающаяся территория;Территория-партнёр;Код ТН ВЭД;Стоимость;Валюта\n\
         2020-01;экспорт;BY-MA;RU-KHA;8701 91 100 0;1000,50;USD\n\
         2020-02;экспорт;BY-MA;RU-KHA;0405 10 110 0;200;USD\n",
    )
    .expect("write");
    let file = good.to_str().expect("utf-8 path");
    let dry = data.accord(&["import", "trade", file, "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("dry run: 2 rows"), "{}", stdout(&dry));
    let first = data.accord(&["import", "trade", file, "--source", "Могилевоблстат"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("2 records for 2020-01 – 2020-02"), "{}", stdout(&first));
    let again = data.accord(&["import", "trade", file, "--source", "Могилевоблстат"]);
    assert!(stdout(&again).starts_with("unchanged"), "{}", stdout(&again));

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "period,flow,reporter,partner,code,value,currency\n2020-03,export,BY-MA,RU-KHA,8701,12x,USD\n",
    )
    .expect("write");
    let refused = data.accord(&["import", "trade", bad.to_str().expect("utf-8"), "--source", "Могилевоблстат"]);
    assert_eq!(refused.status.code(), Some(2), "bad input exits 2");
    assert!(stderr(&refused).contains("bad.csv: Строка 2, столбец «value»: «12x» — не число"), "{}", stderr(&refused));
    let english = data.accord(&["import", "trade", bad.to_str().expect("utf-8"), "--lang", "en"]);
    assert!(
        stderr(&english).contains("bad.csv: Row 2, column 'value': \"12x\" is not a number"),
        "{}",
        stderr(&english)
    );

    // An observer's import is refused before the file is read: not the file's problems (exit 2)
    // but a refusal of the role (exit 1).
    let users = data.accord_with_stdin(
        &["user", "add", "--login", "watcher", "--name", "Наблюдатель", "--role", "observer", "--password-stdin"],
        Some("correct horse battery"),
    );
    assert!(users.status.success(), "{}", stderr(&users));
    let observer = data.accord(&["import", "trade", bad.to_str().expect("utf-8"), "--as", "watcher"]);
    assert_eq!(observer.status.code(), Some(1), "{}", stderr(&observer));
    assert!(!stderr(&observer).contains("12x"), "the file was not read: {}", stderr(&observer));

    let summary = data.accord(&["trade", "summary", "--from", "2020Q1", "--to", "2020Q1", "--json"]);
    assert!(summary.status.success(), "{}", stderr(&summary));
    let json: serde_json::Value = serde_json::from_str(&stdout(&summary)).expect("json");
    let regions =
        json["items"].as_array().expect("items").iter().find(|i| i["scope"] == "BY-MA↔RU-KHA").expect("scope");
    assert_eq!(regions["summary"]["total"]["exports"], "1200.50", "the bad file changed nothing");
}

#[test]
fn quarterly_report_writes_each_format_and_refuses_a_bad_quarter() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    for format in ["xlsx", "html"] {
        let file = data.0.path().join(format!("pack.{format}"));
        let file = file.to_str().expect("utf-8 path");
        let made = data.accord(&["report", "quarterly", "--quarter", "2025Q3", "--format", format, "--out", file]);
        assert!(made.status.success(), "{}", stderr(&made));
        assert!(stdout(&made).contains("written"), "{}", stdout(&made));
        let bytes = std::fs::read(file).expect("pack file");
        match format {
            "xlsx" => assert!(bytes.starts_with(b"PK")),
            _ => assert!(String::from_utf8_lossy(&bytes).contains("III квартал 2025 г.")),
        }
    }
    let english = data.0.path().join("pack-en.html");
    let english = english.to_str().expect("utf-8 path");
    let made = data.accord(&[
        "--lang",
        "en",
        "report",
        "quarterly",
        "--quarter",
        "2025Q3",
        "--format",
        "html",
        "--out",
        english,
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(String::from_utf8_lossy(&std::fs::read(english).expect("file")).contains("Briefing pack"));
    for (quarter, says) in [("2025Q5", "not a quarter"), ("2024Q4", "outside the plan period")] {
        let out = data.0.path().join("never.pdf");
        let refused = data.accord(&["report", "quarterly", "--quarter", quarter, "--out", out.to_str().expect("path")]);
        assert_eq!(refused.status.code(), Some(2), "{quarter}");
        assert!(stderr(&refused).contains(says), "{quarter}: {}", stderr(&refused));
        assert!(!out.exists(), "nothing written");
    }
}

#[test]
fn logistics_routes_name_unknown_nodes_and_answer_in_json() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    let unknown =
        data.accord(&["logistics", "routes", "--from", "Atlantis", "--to", "Minsk", "--product", "lingonberry-frozen"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(stderr(&unknown).contains("Atlantis"), "the unknown node is named: {}", stderr(&unknown));
    let no_product = data.accord(&["logistics", "routes", "--from", "KHV", "--to", "MSQ", "--product", "bananas"]);
    assert_eq!(no_product.status.code(), Some(2));
    assert!(stderr(&no_product).contains("bananas"));

    let found = data.accord(&[
        "logistics",
        "routes",
        "--from",
        "хабаровск",
        "--to",
        "MINSK",
        "--product",
        "0811",
        "--date",
        "2026-03-01",
        "--json",
    ]);
    assert!(found.status.success(), "{}", stderr(&found));
    let answer: serde_json::Value = serde_json::from_str(&stdout(&found)).expect("JSON on stdout");
    assert_eq!(answer["product"], "lingonberry-frozen", "found by its TN VED prefix");
    assert_eq!(answer["from"]["code"], "KHV");
    assert!(answer["routes"].as_array().map_or(0, Vec::len) >= 2);

    let chain = data.accord(&["logistics", "chain", "pollock-today", "--currency", "USD"]);
    assert!(chain.status.success(), "{}", stderr(&chain));
    assert!(stdout(&chain).contains("Without any intermediary"));

    // Chain-measured plan indicators: listed, recorded on a dry run, refused for a closed quarter.
    let listed = data.accord(&["logistics", "indicators", "--json"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let links: serde_json::Value = serde_json::from_str(&stdout(&listed)).expect("JSON on stdout");
    assert_eq!(links.as_array().map(Vec::len), Some(2), "{links}");
    let dry = data.accord(&["--lang", "en", "logistics", "record", "--quarter", "2026Q4", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("2026Q4: 2 would write, 0 unchanged"), "{}", stdout(&dry));
    let again = data.accord(&["logistics", "indicators", "--json"]);
    assert!(stdout(&again).contains("2026Q3") && !stdout(&again).contains("2026Q4"), "a dry run writes nothing");
    // A closed period is a refusal of the present state, not of the input: exit 1 (it was 2
    // before the command went through the use case, which refuses it as the API's 409 does).
    let closed = data.accord(&["logistics", "record", "--quarter", "2026Q2"]);
    assert_eq!(closed.status.code(), Some(1), "{}", stderr(&closed));
    assert!(stderr(&closed).contains("2026Q2"), "{}", stderr(&closed));
    let observer = data.accord(&["logistics", "record", "--quarter", "2026Q4", "--as", "observer"]);
    assert_eq!(observer.status.code(), Some(1), "{}", stderr(&observer));

    let out = data.0.path().join("network.xlsx");
    let out_text = out.to_string_lossy().to_string();
    assert!(data.accord(&["export", "network", "--format", "xlsx", "--out", &out_text]).status.success());
    let again = data.accord(&["import", "network", &out_text]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("unchanged"), "{}", stdout(&again));
}

#[test]
fn fleet_kpi_refuses_a_reversed_or_empty_range() {
    let data = Data::new();
    let reversed = data.accord(&["fleet", "kpi", "--from", "2024-12-31", "--to", "2024-01-01"]);
    assert_eq!(reversed.status.code(), Some(2), "{}", stderr(&reversed));
    assert!(stderr(&reversed).contains("2024-12-31"), "{}", stderr(&reversed));
    let empty = data.accord(&["fleet", "kpi", "--from", "2024-06-01", "--to", "2024-06-01"]);
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    let bad_date = data.accord(&["fleet", "kpi", "--from", "June", "--to", "2024-06-01"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(stderr(&bad_date).contains("--from"));
    let fine = data.accord(&["fleet", "kpi", "--from", "2024-01-01", "--to", "2025-01-01", "--json"]);
    assert!(fine.status.success(), "{}", stderr(&fine));
}

#[test]
fn fleet_imports_check_on_a_dry_run_and_refuse_a_reading_going_backwards() {
    let data = Data::new();
    assert!(data.accord(&["demo"]).status.success());
    let due = data.accord(&["fleet", "due", "--json"]);
    assert!(due.status.success(), "{}", stderr(&due));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&due)).expect("json");
    // The due list drawn up for another day: ten years on, every service with a calendar
    // interval is overdue; a day that is not a date is refused naming the flag.
    let overdue = |today: &str| {
        let out = data.accord(&["fleet", "due", "--today", today, "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        let rows = rows.as_array().cloned().unwrap_or_default();
        (rows.iter().filter(|r| r["overdue"] == true).count(), rows.len())
    };
    let (now_overdue, listed) = overdue("2025-01-01");
    assert_eq!(overdue("2035-01-01"), (listed, listed), "ten years on, everything is overdue");
    assert!(now_overdue < listed, "{now_overdue} of {listed} overdue as of the demo's day");
    let bad = data.accord(&["fleet", "due", "--today", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--today"), "{}", stderr(&bad));
    let machine = &rows[0]["machine"];
    let ident = machine["vin"].as_str().or_else(|| machine["serial"].as_str()).expect("an identifier").to_string();
    let file = data.0.path().join("meters.csv");

    // Lower than the last reading, no meter replaced: refused naming machine, field and value.
    std::fs::write(&file, format!("machine;meter;date;value\n{ident};engine_hours;2024-12-31;1\n")).expect("write");
    let refused = data.accord(&["import", "meters", file.to_str().expect("path"), "--dry-run"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let message = stderr(&refused);
    assert!(message.contains("field value") && message.contains("value 1") && message.contains("machine"), "{message}");

    // A bad cell: sheet, line and column (in the language asked for; Russian by default).
    std::fs::write(&file, format!("machine;meter;date;value\n{ident};engine_hours;31/12/2024;99999\n")).expect("write");
    let bad = data.accord(&["--lang", "en", "import", "meters", file.to_str().expect("path")]);
    assert_eq!(bad.status.code(), Some(2));
    let message = stderr(&bad).to_lowercase();
    assert!(message.contains("row 2") && message.contains("column 'date'"), "{message}");

    // A good reading: the dry run stores nothing, the import stores it once.
    std::fs::write(&file, format!("machine;meter;date;value\n{ident};engine_hours;2024-12-31;999999\n"))
        .expect("write");
    let dry = data.accord(&["import", "meters", file.to_str().expect("path"), "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("dry run"), "{}", stdout(&dry));
    let real = data.accord(&["import", "meters", file.to_str().expect("path")]);
    assert!(stdout(&real).contains("1 stored"), "{}", stdout(&real));
    let again = data.accord(&["import", "meters", file.to_str().expect("path")]);
    assert!(stdout(&again).contains("already imported"), "{}", stdout(&again));

    // As a named user (`--as`): an observer is refused before the file is even opened (exit 1,
    // not a complaint about the missing file); an owner's mechanic sees only its machines.
    let missing = data.0.path().join("no-such-file.csv");
    let observer = data.accord(&["import", "meters", missing.to_str().expect("path"), "--as", "observer"]);
    assert_eq!(observer.status.code(), Some(1), "{}", stderr(&observer));
    assert!(!stderr(&observer).contains("cannot read"), "{}", stderr(&observer));
    let owner = data.accord(&["fleet", "due", "--json", "--as", "owner.road"]);
    assert!(owner.status.success(), "{}", stderr(&owner));
    let own: serde_json::Value = serde_json::from_str(&stdout(&owner)).expect("json");
    let own = own.as_array().expect("rows");
    assert!(!own.is_empty() && own.len() < rows.as_array().expect("rows").len(), "a part of the due list");
    let owners: std::collections::BTreeSet<&str> = own.iter().filter_map(|r| r["machine"]["owner"].as_str()).collect();
    assert_eq!(owners.len(), 1, "one owner's machines only");
}
