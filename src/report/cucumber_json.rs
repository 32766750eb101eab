//! Cucumber's standard JSON report (the format Allure, Jenkins' Cucumber reports and Xray
//! read), one file per browser written by cucumber-rs's `Json` writer, made standard and
//! merged into one.

use serde_json::Value;

/// cucumber-rs's JSON with the format's tag names: cucumber-rs writes `mock-only` where the
/// format (and its schema) has `@mock-only`.
pub fn standard(text: &str) -> Result<Vec<Value>, String> {
    let mut features: Vec<Value> = serde_json::from_str(text)
        .map_err(|e| format!("a Cucumber JSON report is an array of features: {e}"))?;
    for feature in &mut features {
        at_tags(feature);
        if let Some(elements) = feature.get_mut("elements").and_then(Value::as_array_mut) {
            elements.iter_mut().for_each(at_tags);
        }
    }
    Ok(features)
}

fn at_tags(item: &mut Value) {
    let Some(tags) = item.get_mut("tags").and_then(Value::as_array_mut) else {
        return;
    };
    for tag in tags {
        if let Some(name) = tag.get("name").and_then(Value::as_str)
            && !name.starts_with('@')
        {
            tag["name"] = Value::String(format!("@{name}"));
        }
    }
}

/// Every browser's features in one array, made [`standard`], the browser named before each scenario's name
/// (`[firefox] …`) and id, as in the merged JUnit file; the same feature run in two browsers
/// is listed once per browser.
pub fn merge(per_browser: &[(&str, &str)]) -> Result<String, String> {
    let mut all = Vec::new();
    for (browser, text) in per_browser {
        let features = standard(text).map_err(|e| format!("{browser}: {e}"))?;
        for mut feature in features {
            if let Some(elements) = feature.get_mut("elements").and_then(Value::as_array_mut) {
                for element in elements {
                    for key in ["name", "id"] {
                        if let Some(v) = element.get(key).and_then(Value::as_str) {
                            element[key] = Value::String(format!("[{browser}] {v}"));
                        }
                    }
                }
            }
            all.push(feature);
        }
    }
    serde_json::to_string_pretty(&all).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn features_of_each_browser_are_listed_with_the_browser_in_each_scenario() {
        let chromium = json!([{"uri": "f.feature", "name": "F", "tags": [{"name": "t"}],
            "elements": [{"type": "scenario", "line": 3, "name": "S", "id": "f;s",
                          "tags": [{"name": "@u"}], "steps": []}]}]);
        let firefox = chromium.clone();
        let merged = super::merge(&[
            ("chromium", &chromium.to_string()),
            ("firefox", &firefox.to_string()),
        ])
        .unwrap();
        let merged: serde_json::Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(merged.as_array().unwrap().len(), 2);
        assert_eq!(merged[0]["elements"][0]["name"], "[chromium] S");
        assert_eq!(merged[1]["elements"][0]["id"], "[firefox] f;s");
        assert_eq!(merged[1]["name"], "F");
        assert_eq!(merged[0]["tags"][0]["name"], "@t");
        assert_eq!(merged[0]["elements"][0]["tags"][0]["name"], "@u");
        let not_an_array = super::merge(&[("x", "{}")]).unwrap_err();
        assert!(
            not_an_array.starts_with("x: a Cucumber JSON"),
            "{not_an_array}"
        );
    }
}
