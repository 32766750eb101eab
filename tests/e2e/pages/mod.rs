//! Page objects: each owns its page's selectors and waits. Steps never name a selector.

pub mod konnect;
pub mod okta_console;
pub mod okta_dashboard;
pub mod okta_signin;

use std::time::Duration;

use anyhow::Context as _;
use fantoccini::{Client, Locator, elements::Element};

/// How long a page may take to show what a step waits for.
pub const WAIT: Duration = Duration::from_secs(15);

pub async fn wait_for(c: &Client, css: &str) -> anyhow::Result<Element> {
    let found = c.wait().at_most(WAIT).for_element(Locator::Css(css)).await;
    located(c, found, &format!("`{css}`")).await
}

/// Adds what was waited for, and where the browser is, to a failed wait.
pub async fn located<T>(
    c: &Client,
    r: Result<T, fantoccini::error::CmdError>,
    what: &str,
) -> anyhow::Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(e) => {
            Err(anyhow::Error::new(e)
                .context(format!("waiting for {what} on {}", current(c).await)))
        }
    }
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
        .with_context(|| format!("clearing `{css}`"))?;
    e.send_keys(value)
        .await
        .with_context(|| format!("typing into `{css}`"))?;
    Ok(())
}

pub async fn click(c: &Client, css: &str) -> anyhow::Result<()> {
    wait_for(c, css)
        .await?
        .click()
        .await
        .with_context(|| format!("clicking `{css}`"))?;
    Ok(())
}

/// Clicks a link or button by its visible text.
pub async fn click_text(c: &Client, text: &str) -> anyhow::Result<()> {
    let xpath = format!(
        "//*[self::a or self::button or (self::input and (@type='submit' or @type='button'))][normalize-space(.)='{text}' or @value='{text}']"
    );
    let found = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&xpath))
        .await;
    located(c, found, &format!("a link or button \"{text}\""))
        .await?
        .click()
        .await
        .with_context(|| format!("clicking \"{text}\""))?;
    Ok(())
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
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let url = c.current_url().await?;
        if url.as_str().starts_with(prefix) {
            return Ok(url);
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "expected to be on {prefix}…, but the browser is on {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether the page's visible text contains `needle`, waiting for it to appear.
pub async fn wait_for_text(c: &Client, needle: &str) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + WAIT;
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
            "expected the page {} to say \"{needle}\"; it says: {}",
            current(c).await,
            body.chars().take(600).collect::<String>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
