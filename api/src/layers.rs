//! The layers of the api, held against the code: a module imports only from layers below its
//! own (the application aggregate excepted), and every top-level module has a place here. The
//! README's architecture section draws the same table.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Lowest first. A module may use the modules of the layers below its own.
const LAYERS: &[(&str, &[&str])] = &[
    ("words", &["vocab", "request", "hex"]),
    ("base", &["config", "error", "blocking", "local_key"]),
    ("infrastructure", &["telemetry", "pii", "infra"]),
    ("state", &["state"]),
    ("unit of work", &["uow"]),
    ("http edge", &["http", "audit"]),
    ("identity", &["auth"]),
    ("reference data", &["regions", "catalog", "calendar"]),
    ("services", &["accounts", "precheck", "service_points", "uploads", "notifications", "monitoring"]),
    ("application aggregate", &["applications", "documents", "progress"]),
    ("on applications", &["authorizations", "supervision", "checkins"]),
    ("decisions", &["reviews"]),
    ("intake", &["imports", "sync", "health"]),
    ("wiring", &["routes", "jobs", "demo"]),
    ("the spec", &["openapi"]),
    ("start-up", &["startup"]),
    ("command line", &["cli"]),
];

/// The one layer whose modules may use each other: an application, its documents and its
/// progress change together.
const AGGREGATE: &str = "application aggregate";

fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS.iter().enumerate().find(|(_, (_, modules))| modules.contains(&module)).map(|(i, (name, _))| (i, *name))
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file names as `crate::<module>`, its tests and comments left out.
fn used_modules(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String =
        code.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let mut used = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                used.insert(name);
            }
        } else {
            used.insert(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    used
}

#[test]
fn modules_import_only_from_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(&src).ok()?.components().next()?.as_os_str().to_str().map(str::to_owned))
        .map(|first| first.trim_end_matches(".rs").to_owned())
        .filter(|m| !["lib", "main", "layers"].contains(&m.as_str()))
        .collect();
    let unplaced: Vec<_> = modules.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(unplaced.is_empty(), "modules without a layer (add them to LAYERS and the README): {unplaced:?}");
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let own = relative.components().next().unwrap().as_os_str().to_str().unwrap().trim_end_matches(".rs");
        let Some((own_layer, own_name)) = layer_of(own) else { continue };
        for used in used_modules(&std::fs::read_to_string(file).unwrap()) {
            let Some((layer, name)) = layer_of(&used) else { continue };
            let same_aggregate = own_name == AGGREGATE && name == AGGREGATE;
            if used != own && layer >= own_layer && !same_aggregate {
                wrong.push(format!("{} ({own_name}) uses crate::{used} ({name})", relative.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports across a forbidden arrow:\n{}", wrong.join("\n"));
}

#[test]
fn grouped_imports_are_read() {
    let used =
        used_modules("use crate::{vocab::Role, error::ApiError};\nfn f() { crate::audit::x(); } // crate::sync\n");
    assert_eq!(used.into_iter().collect::<Vec<_>>(), ["audit", "error", "vocab"]);
}
