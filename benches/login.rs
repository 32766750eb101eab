//! Login load benchmark: complete SSO logins over HTTP, Konnect login URL -> Okta authorize ->
//! hosted sign-in -> callback -> code exchange -> Konnect session, by distinct users, against
//! release builds of mock-okta and konnect-stub running as their own processes.
//!
//! `cargo bench -p harness --bench login`
//!
//! Prints, for 1, 10, 100 and 1,000 logins at once: logins/s, p50/p95/p99 of a whole login,
//! errors by kind, whether every session belongs to the user who signed in, and both servers'
//! RSS before and after; logins/s also as a share of the machine's signing bound
//! (`openssl speed -multi <cores> rsa2048` / 2: each login costs two RS256 signatures, the ID
//! token and the access token). The whole series runs twice, so a growth in RSS from the
//! second identical run shows. `BENCH_LOGINS` scales the number of logins per level
//! (default 1.0); `BENCH_LEVELS` replaces the levels (`10x300,100x1000`: 300 logins 10 at
//! once, then 1,000 logins 100 at once), `BENCH_ROUNDS` the number of rounds (default 2), and
//! `BENCH_SERVER_PREFIX` runs both servers under a command, e.g.
//! `valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p` (each server is stopped with
//! SIGTERM, so such a tool writes its output). The load generator runs on the same cores as
//! the servers. After each level it prints where the CPU went: each process's CPU time per
//! login beside ring's own cost of the two signatures.

use std::{
    collections::BTreeMap,
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use harness::guide::{KonnectAdmin, KonnectApp, OktaAdmin, OktaInKonnect};
use serde_json::json;

const USERS: usize = 1000;
const PASSWORD: &str = "Bench-Passw0rd!";
const API_TOKEN: &str = "00bench-api-token";
const PAT: &str = "kpat_bench000000000000000000000000000000000000000000000";

/// (concurrent logins, logins at that level).
const LEVELS: [(usize, usize); 4] = [(1, 100), (10, 500), (100, 1000), (1000, 2000)];

/// `BENCH_LEVELS` (`CONCURRENTxLOGINS,...`), else [`LEVELS`].
fn levels() -> anyhow::Result<Vec<(usize, usize)>> {
    let Ok(spec) = std::env::var("BENCH_LEVELS") else {
        return Ok(LEVELS.to_vec());
    };
    spec.split(',')
        .map(|level| {
            let parsed = level
                .trim()
                .split_once('x')
                .and_then(|(c, n)| Some((c.parse::<usize>().ok()?, n.parse::<usize>().ok()?)));
            match parsed {
                Some((c, n)) if c > 0 && n > 0 => Ok((c, n)),
                _ => bail!("BENCH_LEVELS: '{level}' is not CONCURRENTxLOGINS, e.g. 10x300"),
            }
        })
        .collect()
}

/// `BENCH_SERVER_PREFIX` split at spaces: the command both servers run under.
fn server_prefix() -> Vec<String> {
    std::env::var("BENCH_SERVER_PREFIX")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// A command running `program`, under [`server_prefix`] when one is set.
fn server_command(program: &Path) -> Command {
    match server_prefix().split_first() {
        None => Command::new(program),
        Some((tool, args)) => {
            let mut cmd = Command::new(tool);
            cmd.args(args).arg(program);
            cmd
        }
    }
}

/// The servers' allocator (see mock-okta's `main.rs`), so the generator's share of the CPU is
/// not glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    // One thread, as `wrk -t1`: the generator's logins wait on the servers, not on CPU, and a
    // second worker would only add wake-ups on the cores the servers need.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let bins = release_binaries()?;
    let scale: f64 = std::env::var("BENCH_LOGINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|s: &f64| *s > 0.0)
        .unwrap_or(1.0);
    let levels = levels()?;
    let rounds: usize = match std::env::var("BENCH_ROUNDS") {
        Ok(v) => v
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("BENCH_ROUNDS: '{v}' is not a positive number"))?,
        Err(_) => 2,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bound = openssl_signs_per_second(cores).map(|signs| signs / 2.0);

    let dir = std::env::temp_dir().join(format!("login-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let seed = dir.join("okta-seed.json");
    std::fs::write(&seed, seed_json().to_string())?;

    let konnect_port = free_port()?;
    let okta = Server::start(
        "mock-okta",
        server_command(&bins.mock_okta)
            .args(["--listen", "127.0.0.1:0", "--api-token", API_TOKEN])
            .arg("--seed")
            .arg(&seed),
        "mock-okta org URL: ",
    )?;
    let konnect = Server::start(
        "konnect-stub",
        server_command(&bins.konnect_stub).args([
            "--listen",
            &format!("127.0.0.1:{konnect_port}"),
            "--public-url",
            &format!("http://localhost:{konnect_port}"),
            "--admin-token",
            PAT,
        ]),
        "konnect-stub: ",
    )?;
    let konnect_url = konnect.url.trim_end_matches("/login").to_owned();

    // The guide's set-up, through the products' APIs.
    let okta_admin = OktaAdmin::new(&okta.url, API_TOKEN);
    let app = okta_admin
        .create_konnect_app(&KonnectApp::new(
            "Kong Konnect",
            &format!("{konnect_url}/login"),
        ))
        .await?;
    okta_admin.assign_to_everyone(&app.id).await?;
    let login_url = KonnectAdmin::new(&konnect_url, PAT)
        .use_okta(&OktaInKonnect {
            issuer: format!("{}/oauth2/default", okta.url),
            client_id: app.client_id.clone(),
            client_secret: app.client_secret.clone(),
            login_path: None,
        })
        .await?;

    println!("login bench: {cores} cores; load generator on the same cores");
    match bound {
        Some(b) => println!(
            "signing bound: openssl speed -multi {cores} rsa2048 = {:.0} signs/s -> {b:.0} logins/s",
            b * 2.0
        ),
        None => println!("signing bound: openssl not found; shares are not printed"),
    }
    let ring = ring_signs_per_second();
    println!(
        "mock-okta signs with ring: {ring:.0} RS256 signs/s on one core here, so a login's two signatures cost {:.2} ms of CPU{}",
        2000.0 / ring,
        bound.map_or(String::new(), |b| format!(
            "; at the bound a whole login may cost {:.2} ms of CPU on {cores} cores",
            1000.0 * cores as f64 / b
        ))
    );
    println!(
        "load generator: one thread and one HTTP client whose connections all logins share, as wrk -t1 keeps its connections; each login has its own cookie jar, as a new browser"
    );
    let target = Arc::new(Target {
        http: generator_client(),
        login_url: login_url.parse()?,
        okta: okta.url.clone(),
        identify: format!("{}/idp/idx/identify", okta.url).parse()?,
        answer: format!("{}/idp/idx/challenge/answer", okta.url).parse()?,
    });
    for round in 1..=rounds {
        println!(
            "\nround {round}: RSS before: mock-okta {} MB, konnect-stub {} MB",
            okta.rss_mb(),
            konnect.rss_mb()
        );
        for &(concurrency, logins) in &levels {
            let logins = ((logins as f64 * scale).round() as usize).max(concurrency);
            let before = CpuSample::now(&okta, &konnect);
            let result = level(&target, concurrency, logins).await;
            let after = CpuSample::now(&okta, &konnect);
            result.print(concurrency, bound);
            after.print_since(&before, result.latencies.len());
        }
        println!(
            "round {round}: RSS after:  mock-okta {} MB, konnect-stub {} MB",
            okta.rss_mb(),
            konnect.rss_mb()
        );
    }
    drop(okta);
    drop(konnect);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

struct Binaries {
    mock_okta: PathBuf,
    konnect_stub: PathBuf,
}

/// Builds the two servers in release mode (once; cargo skips what is fresh) and finds them
/// beside this benchmark's own binary.
fn release_binaries() -> anyhow::Result<Binaries> {
    let status = harness::cargo::command()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--release",
            "-p",
            "mock-okta",
            "-p",
            "konnect-stub",
            "--bins",
        ])
        .status()
        .context("running cargo build --release")?;
    if !status.success() {
        bail!("cargo build --release -p mock-okta -p konnect-stub failed");
    }
    // target/release/deps/login-<hash> -> target/release
    let exe = std::env::current_exe()?;
    let release = exe
        .parent()
        .and_then(Path::parent)
        .context("the benchmark's own path")?;
    Ok(Binaries {
        mock_okta: release.join("mock-okta"),
        konnect_stub: release.join("konnect-stub"),
    })
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn seed_json() -> serde_json::Value {
    let users: Vec<_> = (1..=USERS)
        .map(|i| {
            json!({"profile": {"firstName": "Bench", "lastName": format!("User {i}"),
                "email": user(i), "login": user(i)},
                "credentials": {"password": {"value": PASSWORD}}})
        })
        .collect();
    json!({"users": users})
}

fn user(i: usize) -> String {
    format!("bench{i:04}@example.com")
}

/// A server process, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts the process and reads its URL from the first stdout line that starts with
    /// `prefix`.
    fn start(name: &str, cmd: &mut Command, prefix: &str) -> anyhow::Result<Self> {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env("RUST_LOG", "warn")
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        break rest.trim().to_owned();
                    }
                }
                _ => bail!("{name} ended before printing its URL"),
            }
        };
        // Keep reading stdout so the process never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Ok(Self { child, url })
    }

    /// User and system CPU time the process (all its threads) has used so far.
    fn cpu(&self) -> Option<Duration> {
        harness::cpu::process(&self.child.id().to_string())
    }

    fn rss_mb(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
            .map_or_else(|| "?".to_owned(), |kb| format!("{:.1}", kb / 1024.0))
    }
}

impl Drop for Server {
    /// SIGTERM first, so a tool the server runs under (`BENCH_SERVER_PREFIX`) writes its
    /// output; SIGKILL after 60 s.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..600 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ring's RS256 signatures per second on one core, through mock-okta's own signing key.
fn ring_signs_per_second() -> f64 {
    let Ok(key) = mock_okta::keys::SigningKey::generate() else {
        return f64::NAN;
    };
    let claims = json!({"sub": "bench", "iat": 0});
    let started = Instant::now();
    let mut signed = 0u32;
    while started.elapsed() < Duration::from_secs(1) {
        if key.sign_jwt(&claims).is_err() {
            return f64::NAN;
        }
        signed += 1;
    }
    f64::from(signed) / started.elapsed().as_secs_f64()
}

/// CPU time used by each side while a level ran.
#[derive(Clone, Copy)]
struct CpuSample {
    okta: Option<Duration>,
    konnect: Option<Duration>,
    generator: Option<Duration>,
    machine: Option<harness::cpu::Machine>,
}

impl CpuSample {
    fn now(okta: &Server, konnect: &Server) -> Self {
        Self {
            okta: okta.cpu(),
            konnect: konnect.cpu(),
            generator: harness::cpu::process("self"),
            machine: harness::cpu::Machine::now(),
        }
    }

    /// "CPU per login: mock-okta 1.21 ms, konnect-stub 0.40 ms, load generator 0.55 ms;
    /// machine busy 97%".
    fn print_since(&self, before: &Self, logins: usize) {
        if logins == 0 {
            return;
        }
        let per = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) => format!(
                "{:.2} ms",
                a.saturating_sub(b).as_secs_f64() * 1000.0 / logins as f64
            ),
            _ => "?".to_owned(),
        };
        let busy = match (self.machine, before.machine) {
            (Some(now), Some(then)) => now
                .busy_since(&then)
                .map_or("?".to_owned(), |b| format!("{:.0}%", 100.0 * b)),
            _ => "?".to_owned(),
        };
        println!(
            "             CPU per login: mock-okta {}, konnect-stub {}, load generator {}; machine busy {busy}",
            per(self.okta, before.okta),
            per(self.konnect, before.konnect),
            per(self.generator, before.generator),
        );
    }
}

struct Target {
    http: Http,
    login_url: url::Url,
    /// mock-okta's base URL.
    okta: String,
    identify: url::Url,
    answer: url::Url,
}

#[derive(Default)]
struct LevelResult {
    elapsed: Duration,
    latencies: Vec<Duration>,
    errors: BTreeMap<String, usize>,
    wrong_user: usize,
}

impl LevelResult {
    fn print(&self, concurrency: usize, bound: Option<f64>) {
        let ok = self.latencies.len();
        let rate = ok as f64 / self.elapsed.as_secs_f64();
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let pct = |p: f64| {
            sorted
                .get(((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        let share = bound.map_or(String::new(), |b| {
            format!(" = {:.1}% of the signing bound", 100.0 * rate / b)
        });
        let errors: usize = self.errors.values().sum();
        println!(
            "{concurrency:>5} at once: {ok} logins in {:.2} s = {rate:.0} logins/s{share}; p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; errors {errors}{}; sessions of the right user: {}",
            self.elapsed.as_secs_f64(),
            pct(0.50),
            pct(0.95),
            pct(0.99),
            if self.errors.is_empty() {
                String::new()
            } else {
                format!(" {:?}", self.errors)
            },
            if self.wrong_user == 0 {
                format!("all {ok}")
            } else {
                format!("{} WRONG", self.wrong_user)
            },
        );
    }
}

/// `logins` logins, `concurrency` at a time, each by the next user in a new browser.
async fn level(target: &Arc<Target>, concurrency: usize, logins: usize) -> LevelResult {
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let target = target.clone();
        let next = next.clone();
        tasks.spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= logins {
                    break;
                }
                let email = user(i % USERS + 1);
                let t = Instant::now();
                out.push(login(&target, &email).await.map(|()| t.elapsed()));
            }
            out
        });
    }
    let mut result = LevelResult::default();
    while let Some(joined) = tasks.join_next().await {
        for r in joined.unwrap_or_default() {
            match r {
                Ok(d) => result.latencies.push(d),
                Err(LoginError::WrongUser) => result.wrong_user += 1,
                Err(LoginError::Failed(kind)) => *result.errors.entry(kind).or_default() += 1,
            }
        }
    }
    result.elapsed = started.elapsed();
    result
}

enum LoginError {
    Failed(String),
    WrongUser,
}

/// Why a request of a login got no answer, as the bench counts errors: `timeout`,
/// `connect` or `http`.
type HopError = &'static str;

fn failed(step: &str) -> impl Fn(HopError) -> LoginError + '_ {
    move |kind| LoginError::Failed(format!("{step}: {kind}"))
}

/// The value of a hidden input on a page.
fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The load generator's HTTP client: hyper's pooled client, whose connections all logins
/// share, as a load generator such as `wrk` keeps them; cookies and redirects are each
/// login's own ([`Browser`]). Plain HTTP on loopback. Not reqwest: with redirects and
/// cookies off it still parsed each URL about five times, an eighth of the generator's CPU.
type Http = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Full<bytes::Bytes>,
>;

fn generator_client() -> Http {
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http()
}

/// How long one request may take before the login counts as timed out.
const HOP_TIMEOUT: Duration = Duration::from_secs(60);

/// A new browser: its own cookie jar, over the load generator's shared connections.
struct Browser<'a> {
    http: &'a Http,
    jar: reqwest::cookie::Jar,
}

/// Where a request ended after its redirects: status, URL and body.
struct Landed {
    status: http::StatusCode,
    url: url::Url,
    body: String,
}

impl Browser<'_> {
    /// Sends a GET of `url`, or a POST of the urlencoded `form`, with the jar's cookies and
    /// follows redirects (at most 10) as a browser does: each hop's `Set-Cookie` goes into the
    /// jar, and the next hop is a GET.
    async fn go(&self, mut url: url::Url, mut form: Option<String>) -> Result<Landed, HopError> {
        use http_body_util::BodyExt as _;
        use reqwest::cookie::CookieStore as _;
        for _ in 0..10 {
            let mut request = http::Request::builder().uri(url.as_str());
            if let Some(cookies) = self.jar.cookies(&url) {
                request = request.header(http::header::COOKIE, cookies);
            }
            let body = match form.take() {
                Some(form) => {
                    request = request.method(http::Method::POST).header(
                        http::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    );
                    bytes::Bytes::from(form)
                }
                None => bytes::Bytes::new(),
            };
            let request = request
                .body(http_body_util::Full::new(body))
                .map_err(|_| "http")?;
            let response = tokio::time::timeout(HOP_TIMEOUT, self.http.request(request))
                .await
                .map_err(|_| "timeout")?
                .map_err(|e| if e.is_connect() { "connect" } else { "http" })?;
            let (head, body) = response.into_parts();
            self.jar.set_cookies(
                &mut head.headers.get_all(http::header::SET_COOKIE).iter(),
                &url,
            );
            // Every body is read, so its connection goes back to the pool.
            let body = tokio::time::timeout(HOP_TIMEOUT, body.collect())
                .await
                .map_err(|_| "timeout")?
                .map_err(|_| "http")?
                .to_bytes();
            let next = head
                .status
                .is_redirection()
                .then(|| head.headers.get(http::header::LOCATION))
                .flatten()
                .and_then(|l| url.join(l.to_str().ok()?).ok());
            match next {
                Some(next) => url = next,
                None => {
                    return Ok(Landed {
                        status: head.status,
                        url,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                }
            }
        }
        Ok(Landed {
            status: http::StatusCode::LOOP_DETECTED,
            url,
            body: String::new(),
        })
    }
}

/// `pairs` as an `application/x-www-form-urlencoded` body.
fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// One whole login by `email` in a new browser, ending on Konnect's home page.
async fn login(target: &Target, email: &str) -> Result<(), LoginError> {
    let browser = Browser {
        http: &target.http,
        jar: reqwest::cookie::Jar::default(),
    };
    let page = browser
        .go(target.login_url.clone(), None)
        .await
        .map_err(failed("login URL"))?;
    if !page.status.is_success() || !page.url.as_str().starts_with(&target.okta) {
        return Err(LoginError::Failed(format!(
            "login URL: {} at {}",
            page.status,
            page.url.path()
        )));
    }
    let token = hidden(&page.body, "stateToken")
        .ok_or_else(|| LoginError::Failed("sign-in page: no stateToken".into()))?;
    let identify = browser
        .go(
            target.identify.clone(),
            Some(form(&[("stateToken", &token), ("identifier", email)])),
        )
        .await
        .map_err(failed("identify"))?;
    if !identify.status.is_success() {
        return Err(LoginError::Failed(format!("identify: {}", identify.status)));
    }
    let home = browser
        .go(
            target.answer.clone(),
            Some(form(&[
                ("stateToken", &token),
                ("credentials.passcode", PASSWORD),
            ])),
        )
        .await
        .map_err(failed("password"))?;
    if !home.status.is_success() || !home.body.contains("konnect-home-user-email") {
        return Err(LoginError::Failed(format!(
            "callback: {} at {}",
            home.status,
            home.url.path()
        )));
    }
    if !home
        .body
        .contains(&format!("data-testid=\"konnect-home-user-email\">{email}<"))
    {
        return Err(LoginError::WrongUser);
    }
    Ok(())
}

/// `openssl speed -multi <cores> rsa2048`'s RSA-2048 signs per second, when openssl exists.
fn openssl_signs_per_second(cores: usize) -> Option<f64> {
    let out = Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            "3",
            "-multi",
            &cores.to_string(),
            "rsa2048",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "rsa 2048 bits 0.000405s 0.000012s   2469.1  83333.3"
    text.lines()
        .filter(|l| l.trim_start().starts_with("rsa 2048 bits") || l.starts_with("rsa  2048"))
        .find_map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.parse::<f64>().ok())
                .nth(1)
        })
}
