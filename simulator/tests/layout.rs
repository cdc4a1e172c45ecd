//! The simulator's layout, checked: its top-level modules depend on each other one way only
//! (DESIGN.md, "Layout and dependency direction"). The graph is read from the sources' `crate::`
//! paths, leaving out comments and test-only code, so a new import that points the wrong way
//! fails here rather than in review.
//!
//! `cargo test -p simulator --test layout -- --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module -> the top-level modules it imports, for the library's non-test code.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Who may not be imported by whom: the layers below the HTTP layer never reach up to it, and
/// the model depends on nothing of the crate.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("model", &["*"]),
    ("scope", &["*"]),
    (
        "update",
        &[
            "create", "store", "gateway", "outbox", "outage", "routes", "app", "error",
        ],
    ),
    (
        "create",
        &[
            "update", "gateway", "outbox", "outage", "routes", "app", "error",
        ],
    ),
    (
        "store",
        &[
            "create", "gateway", "outbox", "outage", "routes", "app", "error",
        ],
    ),
    ("outbox", &["gateway", "routes", "app", "error", "create"]),
    (
        "outage",
        &["gateway", "routes", "app", "error", "update", "create"],
    ),
    ("gateway", &["routes", "app", "error", "provider_states"]),
    ("provider_states", &["routes", "app", "error"]),
    ("fault", &["routes", "app", "gateway", "store"]),
    ("routes", &["app"]),
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("the source folder can be read") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The files declared behind `#[cfg(test)]` (`#[cfg(test)] mod fixture;`), which only tests
/// compile.
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut test_only = BTreeSet::new();
    for file in files {
        let text = fs::read_to_string(file).expect("a source file can be read");
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            let declared = pair[1]
                .trim_start_matches("pub(crate) ")
                .strip_prefix("mod ")
                .and_then(|rest| rest.strip_suffix(';'));
            if let (true, Some(name)) = (pair[0] == "#[cfg(test)]", declared) {
                let dir = if file.ends_with("mod.rs") || file.ends_with("lib.rs") {
                    file.parent().expect("a folder").to_path_buf()
                } else {
                    file.with_extension("")
                };
                test_only.insert(dir.join(format!("{name}.rs")));
                test_only.insert(dir.join(name).join("mod.rs"));
            }
        }
    }
    test_only
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let test_only = test_only_files(&files);
    let mut graph = Graph::new();
    for file in files.iter().filter(|f| !test_only.contains(*f)) {
        let relative = file.strip_prefix(&src).expect("under src");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a file name")
            .trim_end_matches(".rs")
            .to_owned();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = fs::read_to_string(file).expect("a source file can be read");
        // Unit tests sit at the end of a file, in `mod tests`.
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let imports = graph.entry(top.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                for name in imported_modules(&line[at + "crate::".len()..]) {
                    if name != top {
                        imports.insert(name);
                    }
                }
            }
        }
    }
    graph
}

/// The top-level modules named right after a `crate::`: one (`crate::model::Lpa`) or a group
/// (`crate::{create, fixture}`).
fn imported_modules(after: &str) -> Vec<String> {
    let name = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect()
    };
    match after.strip_prefix('{') {
        Some(group) => group
            .split('}')
            .next()
            .unwrap_or_default()
            .split(',')
            .map(name)
            .filter(|n| !n.is_empty() && n != "self")
            .collect(),
        None => Some(name(after))
            .filter(|n| !n.is_empty())
            .into_iter()
            .collect(),
    }
}

/// A cycle through `from`, if any, as the path that closes it.
fn cycle_from(graph: &Graph, from: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &Graph,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> bool {
        if let Some(start) = path.iter().position(|n| n == node) {
            path.drain(..start);
            path.push(node.to_owned());
            return true;
        }
        if !done.insert(node.to_owned()) {
            return false;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if walk(graph, next, path, done) {
                return true;
            }
        }
        path.pop();
        false
    }
    let mut path = Vec::new();
    walk(graph, from, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_modules_depend_on_each_other_without_a_cycle() {
    let graph = graph();
    for (module, imports) in &graph {
        println!(
            "{module} -> {}",
            imports.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    assert!(graph.len() > 10, "the modules were found: {graph:?}");
    for module in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, module) {
            panic!(
                "the modules import each other in a cycle: {}",
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn lower_layers_never_import_the_layers_above_them() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, forbidden) in FORBIDDEN {
        let imports = graph
            .get(*module)
            .unwrap_or_else(|| panic!("no module {module}"));
        for import in imports {
            if forbidden.contains(&"*") || forbidden.contains(&import.as_str()) {
                wrong.push(format!("{module} imports {import}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layering: {wrong:#?}");
}

#[test]
fn single_and_grouped_imports_are_both_read() {
    assert_eq!(imported_modules("model::Lpa;"), vec!["model"]);
    assert_eq!(
        imported_modules("{create, fixture};"),
        vec!["create", "fixture"]
    );
    assert!(imported_modules("Simulator").is_empty());
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(from, to)| (from.to_owned(), BTreeSet::from([to.to_owned()])))
        .collect();
    assert_eq!(
        cycle_from(&graph, "a"),
        Some(vec![
            "a".to_owned(),
            "b".to_owned(),
            "c".to_owned(),
            "a".to_owned()
        ])
    );
}
