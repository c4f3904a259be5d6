//! The OpenAPI document covers the whole `/api/v1`: every method and path the router serves
//! (read from the sources, as the route walk does) is in it, each `{param}` of a path is
//! declared `in: path`, and nothing else is declared `in: path`.

use crate::routes::routes_in_sources;
use serde_json::Value;
use std::collections::BTreeSet;

/// The `{name}`s of a path.
fn path_params(path: &str) -> BTreeSet<String> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(str::to_string).collect()
}

#[test]
fn every_api_route_is_in_the_openapi_document() {
    let doc = serde_json::to_value(accord_web::openapi()).expect("document");
    let paths = doc["paths"].as_object().expect("paths");
    let routes: BTreeSet<(String, String)> = routes_in_sources()
        .into_iter()
        .filter(|(_, path, _)| path.starts_with("/api/v1/") && !path.contains('*'))
        .map(|(method, path, _)| (method, path))
        .collect();
    assert!(routes.len() > 80, "the scan finds the API's routes: {}", routes.len());
    let mut missing = Vec::new();
    let mut wrong_params = Vec::new();
    for (method, path) in &routes {
        let Some(operation) = paths.get(path).and_then(|p| p.get(method.to_lowercase())) else {
            missing.push(format!("{method} {path}"));
            continue;
        };
        let declared = |place: &str| -> BTreeSet<String> {
            operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == place)
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        };
        let in_path = declared("path");
        if in_path != path_params(path) {
            wrong_params.push(format!("{method} {path}: in path {in_path:?}"));
        }
        if operation["responses"].as_object().is_none_or(serde_json::Map::is_empty) {
            wrong_params.push(format!("{method} {path}: no responses"));
        }
    }
    // Nothing documented that the router does not serve.
    let extra: Vec<String> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .filter(|route| !routes.contains(route) && route.1 != "/healthz")
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(missing.is_empty(), "{} API routes missing from the OpenAPI document: {missing:#?}", missing.len());
    assert!(wrong_params.is_empty(), "path parameters declared wrongly: {wrong_params:#?}");
    assert!(extra.is_empty(), "documented but not routed: {extra:#?}");
    let value: &Value = &doc["paths"]["/api/v1/measures/{id}"]["delete"]["parameters"];
    let version = value.as_array().into_iter().flatten().find(|p| p["name"] == "version").expect("version");
    assert_eq!(version["in"], "query", "DELETE /measures/{{id}} takes its version in the query");
}
