//! Cucumber's JSON report, as the e2e runner writes it (cucumber-rs's `Json` writer, per
//! browser, made standard and merged by `harness::report::cucumber_json`), is valid against
//! the format's published schema (vendored in tests/fixtures/cucumber-json-schema/, see its
//! SOURCE.md).

use std::{
    io,
    path::Path,
    sync::{Arc, Mutex},
};

use cucumber::{World as _, given, then, when, writer};
use serde_json::Value;

#[derive(Debug, Default, cucumber::World)]
struct Counter(u32);

#[given(expr = "a counter at {int}")]
fn at(w: &mut Counter, n: u32) {
    w.0 = n;
}

#[when(expr = "the counter goes up by {int}")]
fn up(w: &mut Counter, n: u32) {
    w.0 += n;
}

#[then(expr = "the counter is {int}")]
fn is(w: &mut Counter, n: u32) -> Result<(), String> {
    if w.0 == n {
        Ok(())
    } else {
        Err(format!("the counter is {}, not {n}", w.0))
    }
}

/// A `Write` whose bytes the test reads afterwards.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

async fn cucumber_json() -> String {
    let out = Shared::default();
    let feature = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cucumber-json");
    Counter::cucumber()
        .with_writer(writer::Json::new(out.clone()))
        // Not the test process's arguments: those are the test harness's (`--exact`, a name).
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .run(feature)
        .await;
    let bytes = out.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

/// The published schema as it is (it declares draft-04), and the same under draft 7, where
/// its `if`/`then` rules (a failed step has an `error_message`) apply.
fn schemas() -> (boon::Schemas, Vec<boon::SchemaIndex>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cucumber-json-schema/schema.json");
    let published: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut draft7 = published.clone();
    draft7["$schema"] = Value::from("http://json-schema.org/draft-07/schema#");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let mut ids = Vec::new();
    for (url, schema) in [
        (
            "http://example.invalid/cucumber-json-schema.json",
            published,
        ),
        (
            "http://example.invalid/cucumber-json-schema-draft7.json",
            draft7,
        ),
    ] {
        compiler.add_resource(url, schema).unwrap();
        ids.push(compiler.compile(url, &mut schemas).unwrap());
    }
    (schemas, ids)
}

fn steps(report: &Value) -> Vec<&Value> {
    report
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
        .flat_map(|e| e["steps"].as_array().unwrap())
        .collect()
}

#[tokio::test]
async fn the_cucumber_json_report_is_valid_against_the_published_schema() {
    let text = cucumber_json().await;
    let raw: Value = serde_json::from_str(&text).unwrap();
    let report = Value::from(harness::report::cucumber_json::standard(&text).unwrap());
    let merged: Value = serde_json::from_str(
        &harness::report::cucumber_json::merge(&[("chromium", &text), ("firefox", &text)]).unwrap(),
    )
    .unwrap();
    let (schemas, ids) = schemas();
    for doc in [&report, &merged] {
        for id in &ids {
            if let Err(e) = schemas.validate(doc, *id) {
                panic!("not valid Cucumber JSON: {e:#}\n{doc:#}");
            }
        }
    }
    // It holds what ran: the steps that passed, and the one that failed with its message
    // (cucumber-rs leaves out the steps a failure kept from running).
    let statuses: Vec<&str> = steps(&report)
        .iter()
        .map(|s| s["result"]["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"passed"), "{statuses:?}");
    let failed: Vec<_> = steps(&report)
        .into_iter()
        .filter(|s| s["result"]["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert!(
        failed[0]["result"]["error_message"]
            .as_str()
            .unwrap()
            .contains("the counter is 3, not 4"),
        "{:#}",
        failed[0]
    );
    assert_eq!(merged.as_array().unwrap().len(), 2);
    // What cucumber-rs writes by itself is not: its tag names lack the `@`.
    assert!(schemas.validate(&raw, ids[0]).is_err());
    assert_eq!(report[0]["tags"][0]["name"], "@outcomes");
}

#[test]
fn the_schema_check_catches_a_report_that_breaks_the_format() {
    let (schemas, ids) = schemas();
    // A failed step without its error message: the draft 7 reading of the rule catches it.
    let broken = serde_json::json!([{"uri": "a.feature", "name": "A", "elements": [
        {"type": "scenario", "line": 1, "name": "S", "steps": [
            {"keyword": "Given ", "line": 2, "name": "x", "result": {"status": "failed"}}]}]}]);
    assert!(schemas.validate(&broken, ids[1]).is_err());
    // A feature without its uri: both readings catch it.
    let no_uri = serde_json::json!([{"name": "A"}]);
    for id in &ids {
        assert!(schemas.validate(&no_uri, *id).is_err());
    }
}
