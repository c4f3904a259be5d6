//! The route walk: every route that changes state performs a registered use case.
//!
//! The router's routes are read from the sources (every `.route("path", method(handler)…)` call
//! under `src/`); each POST, PUT, PATCH or DELETE among them must be listed in
//! `accord_web::write_routes::WRITE_ROUTES` with its use cases, and every listed route must
//! exist. Then each listed route is sent a request without credentials: it must be routed (an
//! answer of the handler's extractors, never 404 or 405).

use crate::app::TestApp;
use crate::on_both_backends;
use accord_web::write_routes::WRITE_ROUTES;
use std::collections::BTreeSet;

on_both_backends!(every_write_route_performs_a_registered_use_case);

/// The module a source file of the web crate serves.
fn module_of(file: &std::path::Path) -> &'static str {
    let text = file.to_string_lossy();
    for (dir, module) in [
        ("/src/plan/", "plan"),
        ("/src/directory/", "directory"),
        ("/src/admin/", "account"),
        ("/src/account.rs", "account"),
        ("/src/api.rs", "account"),
        ("/src/review/", "review"),
        ("/src/briefing", "review"),
        ("/src/trade/", "trade"),
        ("/src/logistics/", "logistics"),
        ("/src/fleet/", "fleet"),
    ] {
        if text.contains(dir) {
            return module;
        }
    }
    "other"
}

/// The text between `(` at `open` and its matching `)`.
fn balanced(text: &str, open: usize) -> &str {
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    &text[open + 1..]
}

/// Every (method, path, module) the sources route.
pub fn routes_in_sources() -> BTreeSet<(String, String, &'static str)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source file");
        let mut from = 0;
        while let Some(at) = text[from..].find(".route(") {
            let open = from + at + ".route".len();
            let args = balanced(&text, open);
            from = open + 1;
            let Some(path) = args.split('"').nth(1) else { continue };
            let handlers = &args[args.find(',').unwrap_or(0)..];
            for (name, method) in
                [("get(", "GET"), ("post(", "POST"), ("put(", "PUT"), ("patch(", "PATCH"), ("delete(", "DELETE")]
            {
                let mut rest = handlers;
                while let Some(i) = rest.find(name) {
                    let before = rest[..i].chars().last();
                    if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        routes.insert((method.to_string(), path.to_string(), module_of(&file)));
                        break;
                    }
                    rest = &rest[i + name.len()..];
                }
            }
        }
    }
    routes
}

pub async fn every_write_route_performs_a_registered_use_case(app: &TestApp) {
    let routes = routes_in_sources();
    assert!(routes.len() > 100, "the scan finds the router's routes: {}", routes.len());
    let listed: BTreeSet<(String, String)> =
        WRITE_ROUTES.iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
    let writes: Vec<&(String, String, &str)> = routes.iter().filter(|(m, ..)| m != "GET").collect();
    let unmapped: Vec<String> = writes
        .iter()
        .filter(|(m, p, _)| !listed.contains(&(m.clone(), p.clone())))
        .map(|(m, p, module)| format!("{m} {p} ({module})"))
        .collect();
    assert!(unmapped.is_empty(), "write routes without a use case in write_routes.rs: {unmapped:?}");
    let gone: Vec<String> = listed
        .iter()
        .filter(|(m, p)| !writes.iter().any(|(wm, wp, _)| wm == m && wp == p))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(gone.is_empty(), "listed in write_routes.rs but not routed: {gone:?}");
    for route in WRITE_ROUTES {
        assert!(!route.use_cases.is_empty(), "{} {} names its use case", route.method, route.path);
    }

    // Each listed route answers a request without credentials from its handler's extractors.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let id = "0190b0a0-0000-7000-8000-000000000000";
    for route in WRITE_ROUTES {
        let path = route
            .path
            .replace("{quarter}", "2026Q3")
            .replace("{kind}", "fleet")
            .split('/')
            .map(|segment| if segment.starts_with('{') { id } else { segment })
            .collect::<Vec<_>>()
            .join("/");
        let method = reqwest::Method::from_bytes(route.method.as_bytes()).expect("method");
        let response = client.request(method, app.url(&path)).send().await.expect("request");
        let status = response.status().as_u16();
        assert!(
            ![404, 405].contains(&status),
            "{} {} is listed but answers {status}: not routed",
            route.method,
            route.path
        );
    }
}
