//! The scenario author's check, without browsers or servers, and the step catalog.
//!
//! `cargo test -p harness --test step_catalog` reads the feature files and the step
//! definitions in tests/e2e/steps (as text: nothing is started) and
//! - lists every step of every feature that is undefined, ambiguous or written under the
//!   wrong keyword, each with a step definition to paste;
//! - checks that docs/steps.md, generated from the definitions and their doc comments, is
//!   current (`UPDATE_STEP_CATALOG=1 cargo test -p harness --test step_catalog` rewrites it).
//!
//! E2E_FEATURES points both the check and the e2e runner at another folder of features.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use regex::Regex;

struct Step {
    keyword: String,
    pattern: String,
    file: String,
    line: usize,
    /// The first line of the doc comment.
    summary: String,
    /// The definition's body with the bodies of the same file's helpers it calls.
    body: String,
}

/// A step line of a feature file.
struct Line {
    file: String,
    line: usize,
    /// `given`, `when` or `then`; `And`/`But` take the keyword before them, as in cucumber.
    keyword: String,
    /// `And`, as written.
    written: String,
    text: String,
}

/// Parameter types of the runner and the regex each stands for.
fn parameter(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" => "\"[^\"]*\"",
        "int" => "-?\\d+",
        "word" => "[^\\s]+",
        "person" => "(?:an organization admin|a member)",
        "okta_endpoint" => {
            "(?:token endpoint|authorize endpoint|userinfo endpoint|signing keys|discovery document|sign-in page|Management API)"
        }
        "period" => "(?:an hour|a day|\\d+ hours|\\d+ minutes)",
        _ => return None,
    })
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn steps(root: &Path) -> Vec<Step> {
    let attr = Regex::new(r#"#\[(given|when|then)\(\s*(?:expr\s*=\s*)?"((?:[^"\\]|\\.)*)"\s*\)\]"#)
        .expect("regex");
    let helper = Regex::new(r"(?m)^(?:pub\s+)?(?:async\s+)?fn\s+(\w+)").expect("regex");
    let mut out = Vec::new();
    for f in files(&root.join("tests/e2e/steps"), "rs") {
        let text = fs::read_to_string(&f).expect("read step file");
        let file = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let found: Vec<_> = attr.captures_iter(&text).collect();
        let starts: Vec<usize> = found
            .iter()
            .map(|c| c.get(0).map_or(0, |m| m.start()))
            .collect();
        // Each function of the file and its text, to follow a step into its helpers.
        let fns: Vec<(String, usize)> = helper
            .captures_iter(&text)
            .map(|c| (c[1].to_owned(), c.get(0).map_or(0, |m| m.start())))
            .collect();
        let fn_text = |name: &str| -> Option<&str> {
            let i = fns.iter().position(|(n, _)| n == name)?;
            let end = fns.get(i + 1).map_or(text.len(), |(_, s)| *s);
            Some(&text[fns[i].1..end])
        };
        for (i, c) in found.iter().enumerate() {
            let start = starts[i];
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            let mut body = text[start..end].to_owned();
            for _ in 0..2 {
                let called: Vec<String> = fns
                    .iter()
                    .filter(|(n, _)| body.contains(&format!("{n}(w")))
                    .map(|(n, _)| n.clone())
                    .collect();
                for n in called {
                    if let Some(t) = fn_text(&n)
                        && !body.contains(t)
                    {
                        body.push_str(t);
                    }
                }
            }
            let doc: Vec<&str> = text[..start]
                .lines()
                .rev()
                .map(str::trim)
                .take_while(|l| l.starts_with("///"))
                .collect();
            let summary = doc
                .iter()
                .rev()
                .map(|l| l.trim_start_matches('/').trim())
                .take_while(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            out.push(Step {
                keyword: c[1].to_owned(),
                pattern: c[2].replace("\\\"", "\""),
                file: file.clone(),
                line: line_of(&text, start),
                summary,
                body,
            });
        }
    }
    out
}

/// Literal text of a Cucumber Expression, its optional parts (`pass(es)`) included.
fn literal(text: &str) -> String {
    let mut re = String::new();
    let mut rest = text;
    while let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) {
        if close < open {
            break;
        }
        re.push_str(&regex::escape(&rest[..open]));
        re.push_str(&format!("(?:{})?", regex::escape(&rest[open + 1..close])));
        rest = &rest[close + 1..];
    }
    re.push_str(&regex::escape(rest));
    re
}

fn to_regex(pattern: &str) -> Regex {
    let mut re = String::from("^");
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        re.push_str(&literal(&rest[..start]));
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
    re.push_str(&literal(rest));
    re.push('$');
    Regex::new(&re).expect("step regex")
}

fn features_dir(root: &Path) -> PathBuf {
    std::env::var_os("E2E_FEATURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("features"))
}

/// Every step of the feature files.
fn feature_lines(dir: &Path) -> Vec<Line> {
    let mut out = Vec::new();
    for f in files(dir, "feature") {
        let file = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
        // A new scenario or background starts a new keyword run.
        let mut last = "given".to_owned();
        let text = fs::read_to_string(&f).expect("feature");
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            let heading = ["Scenario", "Background", "Example", "Rule"];
            if heading.iter().any(|h| line.starts_with(h)) && line.contains(':') {
                last = "given".to_owned();
            }
            for kw in ["Given ", "When ", "Then ", "And ", "But "] {
                if let Some(text) = line.strip_prefix(kw) {
                    let written = kw.trim().to_owned();
                    let kw = written.to_lowercase();
                    if kw != "and" && kw != "but" {
                        last = kw;
                    }
                    out.push(Line {
                        file: file.clone(),
                        line: n + 1,
                        keyword: last.clone(),
                        written,
                        text: text.to_owned(),
                    });
                }
            }
        }
    }
    out
}

fn cap(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// What a step relies on, and how it works, read from its code.
struct Traits {
    through: String,
    needs: Vec<&'static str>,
    gives: Vec<&'static str>,
}

fn traits(s: &Step) -> Traits {
    let b = &s.body;
    let mut through = Vec::new();
    if b.contains("w.browser()") {
        through.push("browser");
    }
    if b.contains("_api()") || b.contains("guide::") {
        through.push("products' APIs");
    }
    if b.contains("_control()") {
        through.push("the mocks' test control (/__mock)");
    }
    if b.contains("restart_konnect") {
        through.push("a fresh konnect-stub");
    }
    let facts = [
        ("w.login_url()", "w.login_url = ", "the login URL"),
        ("w.okta_app()", "w.okta_app = ", "the Okta app"),
        ("w.app_label()", "w.app_label = ", "the app's name"),
    ];
    let gives: Vec<&str> = facts
        .iter()
        .filter(|(_, set, _)| b.contains(set))
        .map(|(_, _, what)| *what)
        .collect();
    let needs = facts
        .iter()
        .filter(|(get, _, what)| b.contains(get) && !gives.contains(what))
        .map(|(_, _, what)| *what)
        .collect();
    Traits {
        through: if through.is_empty() {
            "nothing outside the scenario".to_owned()
        } else {
            through.join(" + ")
        },
        needs,
        gives,
    }
}

fn generate(root: &Path) -> String {
    let lines = feature_lines(&root.join("features"));
    let defs = steps(root);
    let mut md = String::from(
        "# Step catalog\n\n\
         Generated from the step definitions in `tests/e2e/steps` and their doc comments by \
         `tests/step_catalog.rs`; `UPDATE_STEP_CATALOG=1 cargo test -p harness --test \
         step_catalog` rewrites it. `cargo test -p harness --test step_catalog` also checks \
         every feature file, without browsers, and prints a definition to paste for any step \
         that matches nothing.\n\n\
         - **Parameters**: `{string}` is quoted text, `{person}` is `an organization admin` or \
         `a member` (the seeded people of both products).\n\
         - **Keywords count**: a step runs only under its keyword; `And`/`But` take the keyword \
         of the step before them. No step text is defined under two keywords.\n\
         - **Needs** is what an earlier step must have given (for example the login URL, given \
         by `Then I copy the login URL` or an `Okta is set up …` step); **Gives** is what the \
         step leaves for later ones.\n\
         - **Through** is how the step works: the browser (as a person does) or the products' \
         public APIs (set-up done \"earlier in the guide\").\n\
         - **Example** is the first use in the feature files, in alphabetical order of its \
         text, so adding a feature does not reword the others.\n\n",
    );
    let mut file = String::new();
    for s in &defs {
        if s.file != file {
            if !file.is_empty() {
                md.push('\n');
            }
            file.clone_from(&s.file);
            md.push_str(&format!(
                "## `tests/e2e/steps/{file}`\n\n\
                 | Step | What it does | Needs | Gives | Through | Example |\n\
                 |---|---|---|---|---|---|\n"
            ));
        }
        let re = to_regex(&s.pattern);
        let example = lines
            .iter()
            .filter(|l| l.keyword == s.keyword && re.is_match(&l.text))
            .map(|l| l.text.as_str())
            .min()
            .unwrap_or_else(|| panic!("the step {:?} is used by no feature file", s.pattern));
        let t = traits(s);
        let list = |v: &[&str]| {
            if v.is_empty() {
                "–".to_owned()
            } else {
                v.join(", ")
            }
        };
        let row = [
            format!("**{}** `{}`", cap(&s.keyword), s.pattern),
            s.summary.clone(),
            list(&t.needs),
            list(&t.gives),
            t.through,
            example.to_owned(),
        ];
        md.push_str(&format!(
            "| {} |\n",
            row.map(|c| c.replace('|', "\\|")).join(" | ")
        ));
    }
    md.truncate(md.trim_end().len());
    md.push('\n');
    md
}

#[test]
fn the_step_catalog_is_current() {
    let generated = generate(root());
    let path = root().join("docs/steps.md");
    if std::env::var("UPDATE_STEP_CATALOG").is_ok_and(|v| v == "1") {
        fs::write(&path, &generated).expect("write docs/steps.md");
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/steps.md is out of date: run `UPDATE_STEP_CATALOG=1 cargo test -p harness --test step_catalog`"
    );
}

#[test]
fn every_step_says_what_it_does() {
    let missing: Vec<String> = steps(root())
        .iter()
        .filter(|s| s.summary.is_empty())
        .map(|s| format!("steps/{}:{}: {}", s.file, s.line, s.pattern))
        .collect();
    assert!(
        missing.is_empty(),
        "these steps have no doc comment for docs/steps.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_step_text_is_defined_under_two_keywords() {
    let defs = steps(root());
    let mut seen = BTreeSet::new();
    for s in &defs {
        let re = to_regex(&s.pattern);
        for o in &defs {
            if o.keyword != s.keyword && (re.is_match(&o.pattern) || o.pattern == s.pattern) {
                seen.insert(format!(
                    "\"{}\" is a {} (steps/{}:{}) and a {} (steps/{}:{})",
                    s.pattern, s.keyword, s.file, s.line, o.keyword, o.file, o.line
                ));
            }
        }
    }
    assert!(
        seen.is_empty(),
        "one text, two meanings; rename one:\n{}",
        seen.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Why a feature line does not run, with a definition to paste; `None` when it runs.
fn problem(defs: &[(String, Regex, String)], l: &Line) -> Option<String> {
    let own: Vec<&(String, Regex, String)> = defs
        .iter()
        .filter(|(k, re, _)| *k == l.keyword && re.is_match(&l.text))
        .collect();
    let at = format!("{}:{}: {} {}", l.file, l.line, l.written, l.text);
    match own.len() {
        1 => None,
        0 => {
            let other: Vec<String> = defs
                .iter()
                .filter(|(k, re, _)| *k != l.keyword && re.is_match(&l.text))
                .map(|(k, _, place)| format!("{} ({place})", cap(k)))
                .collect();
            Some(if other.is_empty() {
                format!(
                    "{at}\n    no {} step matches this text (undefined step). To define it, paste \
                     into the tests/e2e/steps module of its product:\n\n{}",
                    cap(&l.keyword),
                    snippet(&l.keyword, &l.text)
                )
            } else {
                format!(
                    "{at}\n    no {} step matches (an `And` takes the keyword before it), but the \
                     same text is defined as {}: write it under that keyword",
                    cap(&l.keyword),
                    other.join(" and ")
                )
            })
        }
        n => Some(format!(
            "{at}\n    matches {n} step definitions ({}): make one of them more specific",
            own.iter()
                .map(|(_, _, place)| place.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A definition in the project's style: a doc line, a Cucumber Expression with the
/// runner's parameter types, one to three lines that call a page object or an API.
fn snippet(keyword: &str, text: &str) -> String {
    let token = Regex::new(r#""[^"]*"|\ban organization admin\b|\ba member\b|(?:^|\s)-?\d+\b"#)
        .expect("regex");
    let mut expr = String::new();
    let mut args = Vec::new();
    let mut last = 0;
    for m in token.find_iter(text) {
        let s = m.as_str();
        let lead = s.len() - s.trim_start().len();
        expr.push_str(&text[last..m.start() + lead]);
        let (param, arg) = if s.starts_with('"') {
            ("{string}", "String")
        } else if s
            .trim()
            .starts_with(|c: char| c == '-' || c.is_ascii_digit())
        {
            ("{int}", "i32")
        } else {
            ("{person}", "Person")
        };
        expr.push_str(param);
        args.push(arg);
        last = m.end();
    }
    expr.push_str(&text[last..]);
    let words: Vec<String> = token
        .replace_all(text, " ")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "I" && *w != "the" && *w != "a")
        .take(5)
        .map(str::to_lowercase)
        .collect();
    let name = if words.is_empty() {
        "new_step".to_owned()
    } else {
        words.join("_")
    };
    let attr = if args.is_empty() {
        format!("#[{keyword}(\"{}\")]", expr.replace('"', "\\\""))
    } else {
        format!("#[{keyword}(expr = \"{}\")]", expr.replace('"', "\\\""))
    };
    let params: String = args
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let n = match *ty {
                "Person" => "who".to_owned(),
                _ => format!("arg{}", i + 1),
            };
            format!(", {n}: {ty}")
        })
        .collect();
    format!(
        "/// <What the step does, in one line: docs/steps.md shows it.>\n\
         {attr}\n\
         async fn {name}(w: &mut E2eWorld{params}) -> anyhow::Result<()> {{\n    \
         // One to three lines: a page object of tests/e2e/pages, or the products' APIs.\n    \
         todo!(\"{}\")\n\
         }}\n",
        text.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// Every problem of the feature files in `dir`, all of them, not the first.
fn problems(dir: &Path) -> Vec<String> {
    let defs: Vec<(String, Regex, String)> = steps(root())
        .into_iter()
        .map(|s| {
            let re = to_regex(&s.pattern);
            (s.keyword, re, format!("steps/{}:{}", s.file, s.line))
        })
        .collect();
    feature_lines(dir)
        .iter()
        .filter_map(|l| problem(&defs, l))
        .collect()
}

#[test]
fn every_feature_step_has_one_definition_under_its_keyword() {
    let found = problems(&features_dir(root()));
    assert!(
        found.is_empty(),
        "{} step(s) of the feature files would not run:\n\n{}\n",
        found.len(),
        found.join("\n")
    );
}

/// The check itself, on a feature written with a typo and a step under the wrong keyword.
#[test]
fn the_check_lists_every_broken_step_with_a_definition_to_paste() {
    let found = problems(&root().join("tests/fixtures/strict"));
    let file = "tests/fixtures/strict/a_typo_and_a_wrong_keyword.feature";
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with(&format!("{file}:7: And I copy the login URL\n")),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("no When step matches") && found[0].contains("defined as Then (steps/"),
        "{}",
        found[0]
    );
    assert!(
        found[1].starts_with(&format!("{file}:8: Then I see the Okta login scren\n")),
        "{}",
        found[1]
    );
    assert!(
        found[1].contains(
            "\n#[then(\"I see the Okta login scren\")]\n\
             async fn see_okta_login_scren(w: &mut E2eWorld) -> anyhow::Result<()> {\n"
        ),
        "{}",
        found[1]
    );
}

#[test]
fn snippets_use_the_runners_parameter_types() {
    let s = snippet("when", "I tick \"Remember me\" for a member 3 times");
    assert!(
        s.contains(
            "#[when(expr = \"I tick {string} for {person} {int} times\")]\n\
             async fn tick_for_times(w: &mut E2eWorld, arg1: String, who: Person, arg3: i32)"
        ),
        "{s}"
    );
}

/// The README's filter examples select what they say (docs that run).
#[test]
fn the_readme_filters_select_scenarios() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = readme
        .split("## The guide's scenarios")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the README's scenario section");
    let mut names = Vec::new();
    let mut tags = BTreeSet::new();
    for f in files(&root().join("features"), "feature") {
        for line in fs::read_to_string(&f).expect("feature").lines() {
            let line = line.trim();
            if let Some(name) = line
                .strip_prefix("Scenario:")
                .or_else(|| line.strip_prefix("Scenario Outline:"))
            {
                names.push(name.trim().to_owned());
            }
            if line.starts_with('@') {
                tags.extend(line.split_whitespace().map(str::to_owned));
            }
        }
    }
    // Every `-n "…"`, `-t @…` and `-i …` in the section, in the commands and in the prose.
    let example = Regex::new(r#"(?:^|[\s`])-([nti]) (?:"([^"]+)"|([^\s`"]+))"#).unwrap();
    let mut checked = BTreeSet::new();
    for line in section.lines() {
        for found in example.captures_iter(line) {
            let value = found.get(2).or_else(|| found.get(3)).unwrap().as_str();
            match &found[1] {
                "n" => {
                    let re = Regex::new(value).expect("the -n example is a regex");
                    let n = names.iter().filter(|n| re.is_match(n)).count();
                    assert!(n > 0, "`{line}`: -n {value:?} selects no scenario");
                }
                "t" => assert!(tags.contains(value), "`{line}`: no feature has {value}"),
                _ => {
                    let text = fs::read_to_string(root().join(value))
                        .unwrap_or_else(|e| panic!("`{line}`: {value}: {e}"));
                    assert!(
                        text.lines().any(|l| l.trim_start().starts_with("Scenario")),
                        "`{line}`: {value} has no scenario"
                    );
                }
            }
            checked.insert(found[1].to_owned());
        }
    }
    assert_eq!(
        checked.into_iter().collect::<Vec<_>>(),
        ["i", "n", "t"],
        "the README shows -n, -t and -i"
    );
}
