//! Test control: Okta made to fail on purpose, time moved on both servers, Okta's signing key
//! rotated, and what went over the wire read back from Okta's journal. Only the mocks can do
//! this (through their `/__mock` API, `harness::control`), so scenarios that use these steps
//! are tagged @mock-only.

use std::{str::FromStr, time::Duration};

use anyhow::Context as _;
use cucumber::{given, then, when};
use harness::{
    control::OktaRequest,
    mock_okta::control::{Endpoint, FaultSpec, faults::MAX_DELAY_MS},
};

use crate::{
    pages::{self, konnect},
    support::world::{E2eWorld, SlowOkta},
};

/// An Okta endpoint as a tester names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "okta_endpoint",
    regex = "token endpoint|authorize endpoint|userinfo endpoint|signing keys|discovery document|sign-in page|Management API"
)]
pub struct OktaEndpoint(Endpoint);

impl FromStr for OktaEndpoint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(match s {
            "token endpoint" => Endpoint::Token,
            "authorize endpoint" => Endpoint::Authorize,
            "userinfo endpoint" => Endpoint::Userinfo,
            "signing keys" => Endpoint::Keys,
            "discovery document" => Endpoint::Discovery,
            "sign-in page" => Endpoint::Signin,
            "Management API" => Endpoint::Api,
            other => return Err(format!("unknown Okta endpoint: {other}")),
        }))
    }
}

/// A stretch of time as a tester says it: "an hour", "a day", "13 hours", "90 minutes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "period", regex = r"an hour|a day|\d+ hours|\d+ minutes")]
pub struct Period(i64);

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let seconds = match s {
            "an hour" => 3600,
            "a day" => 24 * 3600,
            _ => {
                let (n, unit) = s.split_once(' ').ok_or(format!("not a period: {s}"))?;
                let n: i64 = n.parse().map_err(|_| format!("not a number: {n}"))?;
                let unit = match unit {
                    "hours" => 3600,
                    "minutes" => 60,
                    other => return Err(format!("unknown unit: {other}")),
                };
                n.checked_mul(unit).ok_or(format!("too long: {s}"))?
            }
        };
        Ok(Self(seconds))
    }
}

/// How much longer than Konnect's provider timeout a slow Okta takes: enough that a Konnect
/// that waited for Okta would be caught, short enough to drain quickly.
const SLOWER_BY: Duration = Duration::from_secs(5);

// ---- Okta's journal, read by the steps at the end ----

/// The authorization requests Konnect sent the browser to Okta with, for this scenario's app.
async fn authorizations(w: &E2eWorld) -> anyhow::Result<Vec<OktaRequest>> {
    let client_id = w.okta_app()?.client_id.clone();
    let all = w.okta_control()?.journal(Endpoint::Authorize).await?;
    let mine: Vec<_> = all
        .into_iter()
        .filter(|r| r.query("client_id") == Some(client_id.as_str()))
        .collect();
    anyhow::ensure!(
        !mine.is_empty(),
        "Okta saw no authorization request for client {client_id}"
    );
    Ok(mine)
}

/// The code redemptions (`grant_type=authorization_code`) Okta's token endpoint saw for this
/// scenario's app.
async fn redemptions(w: &E2eWorld) -> anyhow::Result<Vec<OktaRequest>> {
    let client_id = w.okta_app()?.client_id.clone();
    let all = w.okta_control()?.journal(Endpoint::Token).await?;
    let mine: Vec<_> = all
        .into_iter()
        .filter(|r| {
            r.client_id.as_deref() == Some(client_id.as_str())
                && r.form("grant_type") == Some("authorization_code")
        })
        .collect();
    anyhow::ensure!(
        !mine.is_empty(),
        "Okta's token endpoint saw no code redemption for client {client_id}"
    );
    Ok(mine)
}

/// From Okta's journal: every authorization request and code redemption of this scenario's app
/// went to the authorization server created in the scenario (its `/oauth2/{id}/v1/…`
/// endpoints), none to another server.
#[then("the login went through that authorization server")]
async fn went_through_created_server(w: &mut E2eWorld) -> anyhow::Result<()> {
    let issuer = w
        .okta_created_issuer
        .clone()
        .context("no authorization server was created in this scenario")?;
    let prefix = issuer
        .strip_prefix(w.okta_org())
        .with_context(|| format!("the issuer {issuer} is not on the Okta org's host"))?;
    let endpoints = format!("{prefix}/v1/");
    for r in authorizations(w)
        .await?
        .iter()
        .chain(&redemptions(w).await?)
    {
        anyhow::ensure!(
            r.path.starts_with(&endpoints),
            "Okta saw {} {} for Konnect's app, not under {endpoints}",
            r.method,
            r.path
        );
    }
    Ok(())
}

// ---- Okta fails on purpose ----

/// Through mock-okta's control API: the endpoint answers the status once (with its own error
/// body, Okta's where Okta has one), then normally again.
#[given(expr = "Okta's {okta_endpoint} answers {int} once")]
async fn answers_once(w: &mut E2eWorld, at: OktaEndpoint, status: u16) -> anyhow::Result<()> {
    let fault = FaultSpec::status(at.0, status).times(1);
    w.okta_control()?.add_fault(&fault).await.map(drop)
}

/// Through mock-okta's control API: the endpoint answers 429 with Okta's E0000047 and its
/// `X-Rate-Limit-*` headers until the scenario ends.
#[given(expr = "Okta rate-limits the {okta_endpoint}")]
async fn rate_limits(w: &mut E2eWorld, at: OktaEndpoint) -> anyhow::Result<()> {
    let fault = FaultSpec::status(at.0, 429);
    w.okta_control()?.add_fault(&fault).await.map(drop)
}

/// Through mock-okta's control API: the endpoint answers only after Konnect's provider timeout
/// (read from konnect-stub's config) and a few seconds more.
#[given(expr = "Okta's {okta_endpoint} is slower than Konnect waits")]
async fn slower_than_konnect(w: &mut E2eWorld, at: OktaEndpoint) -> anyhow::Result<()> {
    let konnect_waits = w.konnect_provider_timeout()?;
    let delay = konnect_waits + SLOWER_BY;
    let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    anyhow::ensure!(
        delay_ms <= MAX_DELAY_MS,
        "Konnect waits {konnect_waits:?} for Okta; mock-okta delays at most {MAX_DELAY_MS} ms"
    );
    w.okta_control()?
        .add_fault(&FaultSpec::delay(at.0, delay_ms))
        .await?;
    w.slow_okta = Some(SlowOkta {
        konnect_call: match at.0 {
            Endpoint::Token => Some("token"),
            Endpoint::Userinfo => Some("userinfo"),
            Endpoint::Keys => Some("jwks"),
            Endpoint::Discovery => Some("discovery"),
            _ => None,
        },
        delay,
        konnect_waits,
    });
    Ok(())
}

/// Through mock-okta's control API: every Okta endpoint closes connections without answering
/// until the scenario ends.
#[given("Okta is down")]
async fn okta_down(w: &mut E2eWorld) -> anyhow::Result<()> {
    let okta = w.okta_control()?;
    for endpoint in Endpoint::ALL {
        okta.add_fault(&FaultSpec::close(endpoint)).await?;
    }
    Ok(())
}

// ---- Keys and time ----

/// Through mock-okta's control API: a new key signs from now on; the old one stays published,
/// as in Okta's own rollover.
#[when("Okta rotates its signing key")]
async fn rotate_key(w: &mut E2eWorld) -> anyhow::Result<()> {
    let okta = w.okta_control()?;
    w.keys_fetched_before_rotation = Some(okta.journal(Endpoint::Keys).await?.len());
    let keys = okta.rotate_keys(true).await?;
    anyhow::ensure!(
        keys.keys.len() >= 2,
        "after rotating, Okta publishes {:?}",
        keys.keys
    );
    Ok(())
}

/// Through both servers' control APIs: Okta's clock and Konnect's move on by the period, so
/// sessions, codes and tokens age on both sides.
#[when(expr = "{period} pass(es)")]
async fn time_passes(w: &mut E2eWorld, period: Period) -> anyhow::Result<()> {
    w.okta_control()?.advance_clock(period.0).await?;
    w.konnect_control()?
        .advance_clock(period.0)
        .await
        .map(drop)
        .map_err(|e| {
            // One message: cucumber shows only the outermost one.
            anyhow::anyhow!(
                "Konnect's clock must move with Okta's (konnect-stub's POST /__mock/clock): {e:#}"
            )
        })
}

// ---- What the browser shows ----

/// Opens Konnect's home page again, as someone coming back to the tab later.
#[when("I come back to Konnect")]
async fn come_back(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::open_home(w.browser(), w.konnect_base()).await
}

/// Checks Konnect shows its login form (the session is over).
#[then("Konnect asks me to log in again")]
async fn asks_to_log_in(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect_base()).await?;
    konnect::wait_for_login_form(w.browser()).await
}

/// Checks the browser is back on Konnect with its single sign-on error page, whose words
/// include the given ones (case ignored).
#[then(expr = "Konnect shows a login error saying {string}")]
async fn login_error_saying(w: &mut E2eWorld, words: String) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect_base()).await?;
    let (title, message) = konnect::error_page(w.browser()).await?;
    let all = format!("{title} {message}");
    anyhow::ensure!(
        all.to_lowercase().contains(&words.to_lowercase()),
        "the page says: {all}"
    );
    Ok(())
}

/// Checks Konnect answered with its timeout page after its own provider timeout, before the
/// slow Okta endpoint would have answered: Konnect's journal has its call to the slow endpoint
/// ending unanswered after about its own timeout, sooner than Okta's delay. (Timed from
/// Konnect's own record, so a loaded machine's slow page loads before the call do not count.)
#[then("Konnect shows a timeout page before Okta answers")]
async fn timeout_page(w: &mut E2eWorld) -> anyhow::Result<()> {
    let slow = w.slow_okta.context(
        "Okta was not made slow: an earlier step must say `Given Okta's … is slower than \
         Konnect waits`",
    )?;
    let limit = slow.konnect_waits + pages::wait_limit();
    let (title, message) = konnect::error_page_within(w.browser(), limit).await?;
    anyhow::ensure!(
        message.contains("did not answer in time"),
        "the page says: {title} {message}"
    );
    let name = slow
        .konnect_call
        .context("Konnect never calls the Okta endpoint that was slowed down")?;
    let journal = w.konnect_control()?.journal().await?;
    let call = journal
        .iter()
        .rev()
        .find(|e| e["direction"] == "outgoing" && e["endpoint"] == name)
        .with_context(|| format!("Konnect's journal has no {name} call to Okta"))?;
    let waited = Duration::from_millis(call["duration_ms"].as_u64().unwrap_or(u64::MAX));
    anyhow::ensure!(
        call["status"].is_null() && waited < slow.delay,
        "Konnect's {name} call to Okta ended after {waited:?} with status {}, not unanswered \
         sooner than Okta's own answer ({:?}): Konnect waited for Okta",
        call["status"],
        slow.delay
    );
    Ok(())
}

// ---- What went over the wire (Okta's journal) ----

/// From Okta's journal: every authorization request carried an S256 `code_challenge`, and
/// every code redemption its `code_verifier`.
#[then("the login used PKCE with S256")]
async fn used_pkce(w: &mut E2eWorld) -> anyhow::Result<()> {
    for r in authorizations(w).await? {
        anyhow::ensure!(
            r.query("code_challenge_method") == Some("S256"),
            "an authorization request's code_challenge_method is {:?}",
            r.query("code_challenge_method")
        );
        // base64url of a SHA-256 digest, unpadded.
        let challenge = r.query("code_challenge").unwrap_or_default();
        anyhow::ensure!(
            challenge.len() == 43,
            "an authorization request's code_challenge is {challenge:?}"
        );
    }
    for r in redemptions(w).await? {
        anyhow::ensure!(
            r.form("code_verifier").is_some(),
            "a code redemption has no code_verifier: {:?}",
            r.form
        );
    }
    Ok(())
}

/// From Okta's journal: every authorization request carried a `state` and a `nonce`.
#[then("the login sent state and nonce")]
async fn sent_state_and_nonce(w: &mut E2eWorld) -> anyhow::Result<()> {
    for r in authorizations(w).await? {
        for name in ["state", "nonce"] {
            anyhow::ensure!(
                r.query(name).is_some_and(|v| !v.is_empty()),
                "an authorization request has no {name}: {:?}",
                r.query
            );
        }
    }
    Ok(())
}

/// From Okta's journal: every code redemption authenticated with HTTP Basic (the client ID
/// and secret in the Authorization header, no secret in the form).
#[then("Konnect authenticated to Okta's token endpoint with client_secret_basic")]
async fn client_secret_basic(w: &mut E2eWorld) -> anyhow::Result<()> {
    for r in redemptions(w).await? {
        anyhow::ensure!(
            r.credentials == "basic" && r.form("client_secret").is_none(),
            "a code redemption authenticated with {:?} (form: {:?})",
            r.credentials,
            r.form
        );
    }
    Ok(())
}

/// From Okta's journal: one code redemption for the scenario's app, answered 200.
#[then("the code was redeemed exactly once")]
async fn redeemed_once(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redeemed = redemptions(w).await?;
    let statuses: Vec<_> = redeemed.iter().map(|r| r.status).collect();
    anyhow::ensure!(
        statuses == [Some(200)],
        "Okta's token endpoint saw {} code redemption(s), answered {statuses:?}",
        redeemed.len()
    );
    Ok(())
}

/// From Okta's journal: Konnect fetched Okta's signing keys again after the rotation (its
/// cached ones did not know the new key).
#[then("Konnect fetched Okta's new signing key")]
async fn fetched_new_key(w: &mut E2eWorld) -> anyhow::Result<()> {
    let before = w.keys_fetched_before_rotation.context(
        "Okta's key was not rotated: an earlier step must say `When Okta rotates its signing key`",
    )?;
    let now = w.okta_control()?.journal(Endpoint::Keys).await?.len();
    anyhow::ensure!(
        now > before,
        "Okta's keys were fetched {before} time(s) before the rotation and {now} since"
    );
    Ok(())
}
