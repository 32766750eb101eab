//! The step catalog (docs/steps.md) is generated from the step definitions in
//! tests/e2e/steps and must be current: each step with its pattern and one example taken
//! from the feature files. `UPDATE_STEP_CATALOG=1 cargo test --test step_catalog` rewrites it.

use std::{fs, path::Path};

use regex::Regex;

struct Step {
    keyword: String,
    pattern: String,
    file: String,
}

/// Parameter types of the runner and the regex each stands for.
fn parameter(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" => "\"[^\"]*\"",
        "int" => "-?\\d+",
        "word" => "[^\\s]+",
        "person" => "(?:an organization admin|a member)",
        _ => return None,
    })
}

fn steps(root: &Path) -> Vec<Step> {
    let attr = Regex::new(r#"#\[(given|when|then)\(\s*(?:expr\s*=\s*)?"((?:[^"\\]|\\.)*)"\s*\)\]"#)
        .expect("regex");
    let mut files: Vec<_> = fs::read_dir(root.join("tests/e2e/steps"))
        .expect("steps folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).expect("read step file");
        for c in attr.captures_iter(&text) {
            out.push(Step {
                keyword: c[1].to_owned(),
                pattern: c[2].replace("\\\"", "\""),
                file: f
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            });
        }
    }
    out
}

fn to_regex(pattern: &str) -> Regex {
    let mut re = String::from("^");
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        re.push_str(&regex::escape(&rest[..start]));
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .expect("closing brace");
        let name = &rest[start + 1..end];
        re.push_str(
            parameter(name)
                .unwrap_or_else(|| panic!("unknown parameter type {{{name}}} in {pattern:?}")),
        );
        rest = &rest[end + 1..];
    }
    re.push_str(&regex::escape(rest));
    re.push('$');
    Regex::new(&re).expect("step regex")
}

/// Every step of the feature files as (file, keyword, text); `And`/`But` take the keyword
/// of the step before them, as cucumber does.
fn feature_lines(root: &Path) -> Vec<(String, String, String)> {
    let mut files: Vec<_> = fs::read_dir(root.join("features"))
        .expect("features folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "feature"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut last = "given".to_owned();
        for line in fs::read_to_string(&f).expect("feature").lines() {
            let line = line.trim();
            for kw in ["Given ", "When ", "Then ", "And ", "But "] {
                if let Some(text) = line.strip_prefix(kw) {
                    let kw = kw.trim().to_lowercase();
                    if kw != "and" && kw != "but" {
                        last = kw;
                    }
                    out.push((name.clone(), last.clone(), text.to_owned()));
                }
            }
        }
    }
    out
}

fn generate(root: &Path) -> String {
    let lines = feature_lines(root);
    let mut md = String::from(
        "# Step catalog\n\nGenerated from `tests/e2e/steps` by `tests/step_catalog.rs` \
         (`UPDATE_STEP_CATALOG=1 cargo test --test step_catalog` rewrites it). Parameters: \
         `{string}` is quoted text, `{person}` is `an organization admin` or `a member`.\n\n\
         | Keyword | Step | Example | Defined in |\n|---|---|---|---|\n",
    );
    for s in steps(root) {
        let re = to_regex(&s.pattern);
        let example = lines
            .iter()
            .find(|(_, kw, text)| *kw == s.keyword && re.is_match(text))
            .map(|(file, _, text)| format!("{text} (`{file}`)"))
            .unwrap_or_else(|| panic!("the step {:?} is used by no feature file", s.pattern));
        let cap = |w: &str| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        };
        md.push_str(&format!(
            "| {} | `{}` | {} | `steps/{}` |\n",
            cap(&s.keyword),
            s.pattern.replace('|', "\\|"),
            example.replace('|', "\\|"),
            s.file
        ));
    }
    md
}

#[test]
fn the_step_catalog_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = generate(root);
    let path = root.join("docs/steps.md");
    if std::env::var("UPDATE_STEP_CATALOG").is_ok_and(|v| v == "1") {
        fs::write(&path, &generated).expect("write docs/steps.md");
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/steps.md is out of date: run `UPDATE_STEP_CATALOG=1 cargo test --test step_catalog`"
    );
}

#[test]
fn every_feature_step_has_a_definition() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let defs: Vec<(String, Regex)> = steps(root)
        .into_iter()
        .map(|s| {
            let re = to_regex(&s.pattern);
            (s.keyword, re)
        })
        .collect();
    for (file, kw, text) in feature_lines(root) {
        let n = defs
            .iter()
            .filter(|(k, re)| *k == kw && re.is_match(&text))
            .count();
        assert_eq!(n, 1, "{file}: \"{kw} {text}\" matches {n} step definitions");
    }
}
