//! Page objects: each owns its page's selectors and waits. Steps never name a selector.

pub mod konnect;
pub mod okta_console;
pub mod okta_dashboard;
pub mod okta_signin;

use std::{sync::OnceLock, time::Duration};

use fantoccini::{Client, Locator, elements::Element};

/// The wait when E2E_WAIT_SECS is not set. Pages here answer in milliseconds; the margin is
/// for a loaded machine, and every wait that fails costs this much.
const DEFAULT_WAIT_SECS: u64 = 5;

/// How often a wait looks again: a look is one WebDriver round trip, and pages here change
/// within milliseconds, so a coarse period would only add to every step.
pub const POLL: Duration = Duration::from_millis(25);

/// A wait of up to [`wait_limit`], looking every [`POLL`].
pub fn waiting(c: &Client) -> fantoccini::wait::Wait<'_> {
    c.wait().at_most(wait_limit()).every(POLL)
}

/// How long a page may take to show what a step waits for (E2E_WAIT_SECS, in seconds).
pub fn wait_limit() -> Duration {
    static LIMIT: OnceLock<Duration> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        let secs = std::env::var("E2E_WAIT_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .unwrap_or(DEFAULT_WAIT_SECS as f64);
        Duration::from_secs_f64(secs)
    })
}

/// "5 s (E2E_WAIT_SECS)", for messages.
pub fn waited() -> String {
    format!("{} s (E2E_WAIT_SECS)", wait_limit().as_secs_f64())
}

pub async fn wait_for(c: &Client, css: &str) -> anyhow::Result<Element> {
    wait_for_within(c, css, wait_limit()).await
}

/// As [`wait_for`], for a page that may take `limit` (one that waits on a server's timeout).
pub async fn wait_for_within(c: &Client, css: &str, limit: Duration) -> anyhow::Result<Element> {
    let found = c
        .wait()
        .at_most(limit)
        .every(POLL)
        .for_element(Locator::Css(css))
        .await;
    match located(c, found, &format!("`{css}`")).await {
        Err(e) if limit != wait_limit() => Err(anyhow::anyhow!(
            "{e} (this wait allowed {:.1} s)",
            limit.as_secs_f64()
        )),
        other => other,
    }
}

/// Says what was waited for, how long, and where the browser is, in one message (cucumber
/// shows only the outermost message of an error, so nothing goes into a hidden cause).
pub async fn located<T>(
    c: &Client,
    r: Result<T, fantoccini::error::CmdError>,
    what: &str,
) -> anyhow::Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(e) => Err(anyhow::anyhow!(
            "waited {} for {what} on {}: {}",
            waited(),
            current(c).await,
            cause(&e)
        )),
    }
}

/// A failed wait's reason, in words.
fn cause(e: &fantoccini::error::CmdError) -> String {
    match e {
        fantoccini::error::CmdError::WaitTimeout => "it did not appear".to_owned(),
        other => other.to_string(),
    }
}

/// One message for a failed browser command, the command's own error included.
fn failed(doing: &str, e: fantoccini::error::CmdError) -> anyhow::Error {
    anyhow::anyhow!("{doing}: {e}")
}

pub async fn current(c: &Client) -> String {
    c.current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default()
}

/// Replaces an input's value.
pub async fn fill(c: &Client, css: &str, value: &str) -> anyhow::Result<()> {
    let e = wait_for(c, css).await?;
    e.clear()
        .await
        .map_err(|e| failed(&format!("clearing `{css}`"), e))?;
    e.send_keys(value)
        .await
        .map_err(|e| failed(&format!("typing into `{css}`"), e))?;
    Ok(())
}

pub async fn click(c: &Client, css: &str) -> anyhow::Result<()> {
    wait_for(c, css)
        .await?
        .click()
        .await
        .map_err(|e| failed(&format!("clicking `{css}`"), e))?;
    Ok(())
}

/// Clicks a link or button by its visible text.
pub async fn click_text(c: &Client, text: &str) -> anyhow::Result<()> {
    let xpath = format!(
        "//*[self::a or self::button or (self::input and (@type='submit' or @type='button'))][normalize-space(.)='{text}' or @value='{text}']"
    );
    let found = waiting(c).for_element(Locator::XPath(&xpath)).await;
    let element = match found {
        Ok(e) => e,
        Err(e) => {
            let shown = links_and_buttons(c).await;
            let listed = if shown.is_empty() {
                "the page has no links or buttons".to_owned()
            } else {
                format!(
                    "links and buttons on the page, closest first: {}",
                    closest_first(text, shown)
                        .iter()
                        .take(12)
                        .map(|t| format!("\"{t}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(anyhow::anyhow!(
                "waited {} for a link or button \"{text}\" on {}: {}; {listed}",
                waited(),
                current(c).await,
                cause(&e)
            ));
        }
    };
    element
        .click()
        .await
        .map_err(|e| failed(&format!("clicking \"{text}\""), e))?;
    Ok(())
}

/// The visible texts of the page's links and buttons, as `click_text` matches them.
async fn links_and_buttons(c: &Client) -> Vec<String> {
    let script = "return Array.from(document.querySelectorAll(\
        \"a, button, input[type=submit], input[type=button]\")).map(e => \
        (e.tagName === 'INPUT' ? e.value : e.textContent) || '').map(t => \
        t.replace(/\\s+/g, ' ').trim()).filter(t => t.length > 0);";
    match c.execute(script, vec![]).await {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// `shown` without repeats, the texts most like `wanted` first (edit distance, ignoring case).
fn closest_first(wanted: &str, mut shown: Vec<String>) -> Vec<String> {
    shown.sort();
    shown.dedup();
    let wanted = wanted.to_lowercase();
    shown.sort_by_cached_key(|t| (edit_distance(&wanted, &t.to_lowercase()), t.clone()));
    shown
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

pub async fn text(c: &Client, css: &str) -> anyhow::Result<String> {
    Ok(wait_for(c, css).await?.text().await?.trim().to_owned())
}

/// An input's current value (readonly fields included).
pub async fn value(c: &Client, css: &str) -> anyhow::Result<String> {
    Ok(wait_for(c, css)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// Waits until the browser is on a URL that starts with `prefix`.
pub async fn wait_for_url(c: &Client, prefix: &str) -> anyhow::Result<url::Url> {
    let deadline = std::time::Instant::now() + wait_limit();
    loop {
        let url = c.current_url().await?;
        if url.as_str().starts_with(prefix) {
            return Ok(url);
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "waited {} to be on {prefix}…, but the browser is on {url}",
            waited()
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Whether the page's visible text contains `needle`, waiting for it to appear.
pub async fn wait_for_text(c: &Client, needle: &str) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + wait_limit();
    loop {
        let body = c
            .find(Locator::Css("body"))
            .await?
            .text()
            .await
            .unwrap_or_default();
        if body.contains(needle) {
            return Ok(());
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "waited {} for the page {} to say \"{needle}\"; it says: {}",
            waited(),
            current(c).await,
            body.chars().take(600).collect::<String>()
        );
        tokio::time::sleep(POLL).await;
    }
}
