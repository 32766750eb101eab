//! The command-line contract every binary of the harness keeps: a bad flag or environment
//! variable is one line on stderr that names it and says what would be accepted, with exit
//! status 2; `--help` and `--version` print and exit 0; logs go to stderr, with colour codes
//! only when stderr is a terminal; a problem at run time (a port in use, a bad seed) is one
//! line with exit status 1.
//!
//! [`Prefixed`] puts one server's options, unchanged but for a prefix on each flag, into the
//! command line of a binary that runs several servers (the harness's `cargo run`).

use std::{ffi::OsString, io::IsTerminal as _, marker::PhantomData, process::ExitCode};

use clap::{
    ArgMatches, Args, CommandFactory, FromArgMatches, Parser,
    builder::{PossibleValuesParser, TypedValueParser as _},
    error::{ContextKind, ContextValue, ErrorKind},
    parser::ValueSource,
};

/// Parses the process's arguments and environment into `T`, or prints one line and returns
/// the exit code to end with.
pub fn parse<T: Parser>(name: &str) -> Result<T, ExitCode> {
    parse_from::<T, _, _>(name, std::env::args_os(), |key| std::env::var_os(key))
}

/// [`parse`] over given arguments and environment (for tests).
pub fn parse_from<T, I, E>(name: &str, args: I, env: E) -> Result<T, ExitCode>
where
    T: Parser,
    I: IntoIterator<Item = OsString>,
    E: Fn(&str) -> Option<OsString>,
{
    let args: Vec<OsString> = args.into_iter().collect();
    match T::try_parse_from(&args) {
        Ok(t) => Ok(t),
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap prints them and exits 0.
            e.exit()
        }
        Err(e) => {
            eprintln!("{name}: {}", one_line::<T>(&e, &args, &env));
            Err(ExitCode::from(2))
        }
    }
}

/// clap's error as one line: what is wrong, which flag or variable it came from, and what
/// would be accepted.
pub fn one_line<T: CommandFactory>(
    e: &clap::Error,
    args: &[OsString],
    env: &dyn Fn(&str) -> Option<OsString>,
) -> String {
    let text = e.to_string();
    let mut line = text
        .lines()
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_owned();
    let invalid_arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    if let Some(full) = invalid_arg.as_deref()
        && let Some(flag) = full.split_whitespace().next()
        && let Some(var) = env_source::<T>(flag, args, env)
    {
        line = line.replacen(
            &format!("'{full}'"),
            &format!("'{var}' (the variable behind '{full}')"),
            1,
        );
    }
    let accepted = match e.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(v)) if !v.is_empty() => Some(v.join(", ")),
        _ => None,
    };
    if let Some(values) = accepted {
        line.push_str(&format!("; accepted values: {values}"));
    } else if e.kind() == ErrorKind::InvalidValue
        && let Some(ContextValue::String(s)) = e.get(ContextKind::InvalidArg)
        && !s.contains('<')
    {
        // A switch (no value of its own) given through its variable.
        line.push_str("; accepted values: true, false");
    }
    match e.kind() {
        ErrorKind::UnknownArgument | ErrorKind::MissingRequiredArgument => {
            line.push_str(" (see --help)");
        }
        _ => {}
    }
    line
}

/// The environment variable a flag's bad value came from: it has one, it is set, and the
/// flag is not on the command line.
fn env_source<T: CommandFactory>(
    flag: &str,
    args: &[OsString],
    env: &dyn Fn(&str) -> Option<OsString>,
) -> Option<String> {
    let long = flag.strip_prefix("--")?;
    let cmd = T::command();
    let arg = cmd.get_arguments().find(|a| a.get_long() == Some(long))?;
    let var = arg.get_env()?.to_str()?.to_owned();
    let on_command_line = args.iter().skip(1).any(|a| {
        a.to_str()
            .is_some_and(|a| a == flag || a.starts_with(&format!("{flag}=")))
    });
    (!on_command_line && env(&var).is_some()).then_some(var)
}

/// A problem with an option that its value parser cannot see alone (two values that clash,
/// say): reported like clap's own problems, as one line with exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagProblem {
    /// The long flag without its dashes (`member`).
    pub flag: String,
    /// Its environment variable.
    pub var: &'static str,
    /// What is wrong and how to fix it.
    pub problem: String,
    /// The other flag (without dashes) and variable the fix names, after the problem's text,
    /// spelled under the same prefix as `flag`.
    pub other: Option<(String, &'static str)>,
}

impl FlagProblem {
    pub fn new(flag: &str, var: &'static str, problem: impl Into<String>) -> Self {
        Self {
            flag: flag.to_owned(),
            var,
            problem: problem.into(),
            other: None,
        }
    }

    /// A problem whose fix is another flag: `problem` is followed by that flag and its
    /// variable (`--tls-cert (…): needs its private key: give --tls-key (…)`).
    pub fn naming(mut self, other_flag: &str, other_var: &'static str) -> Self {
        self.other = Some((other_flag.to_owned(), other_var));
        self
    }

    /// The same problem as the flags are spelled under a [`Prefix`] (`--konnect-member`).
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.flag = format!("{prefix}-{}", self.flag);
        if let Some((other, _)) = &mut self.other {
            *other = format!("{prefix}-{other}");
        }
        self
    }
}

impl std::fmt::Display for FlagProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--{} ({}): {}", self.flag, self.var, self.problem)?;
        if let Some((other, var)) = &self.other {
            write!(f, " --{other} ({var})")?;
        }
        Ok(())
    }
}

impl std::error::Error for FlagProblem {}

/// The value parser of a public URL option: [`crate::parse_public_url`]'s rules, so a bad
/// URL is a flag problem (exit status 2) and not found at start.
pub fn public_url(raw: &str) -> Result<String, String> {
    crate::parse_public_url(raw).map_err(|e| format!("{e:#}"))
}

/// Reads a JSON file that a flag names (a seed, say): one error that names the file and says
/// whether it is not JSON at all or JSON of the wrong shape (serde's own words, with the line).
pub fn read_json_file<T: serde::de::DeserializeOwned>(
    what: &str,
    path: &std::path::Path,
) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {what} {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        let kind = match e.classify() {
            serde_json::error::Category::Data => "has the wrong shape",
            _ => "is not valid JSON",
        };
        anyhow::anyhow!("{what} {} {kind}: {e}", path.display())
    })
}

/// The value parser of a listen address, HOST:PORT: a typo is a flag problem (exit status 2)
/// that shows the form, not an unreadable "invalid socket address" at start. The host is
/// resolved when binding (so `localhost:9000` works), the port must be a number.
pub fn listen_address(raw: &str) -> Result<String, String> {
    let form = "expected HOST:PORT, e.g. 127.0.0.1:9000 (port 0 picks a free port)";
    let Some((host, port)) = raw.rsplit_once(':') else {
        return Err(form.to_owned());
    };
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
        return Err(form.to_owned());
    }
    if port.parse::<u16>().is_err() {
        return Err(format!(
            "the port {port:?} is not a number from 0 to 65535; {form}"
        ));
    }
    Ok(raw.to_owned())
}

/// The value parser of an on/off switch: `true`, `false`, `1` or `0` (from its environment
/// variable, say `HARNESS_CONFIGURE_OKTA=1`); anything else is refused with these listed.
pub fn switch() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(
        PossibleValuesParser::new(["true", "false", "1", "0"]).map(|v| v == "true" || v == "1"),
    )
}

/// The prefix and help heading [`Prefixed`] gives one server's options.
pub trait Prefix {
    /// Put before each long flag with a dash: `okta` makes `--listen` `--okta-listen`.
    const FLAG: &'static str;
    /// The section of `--help` the options are listed under.
    const HEADING: &'static str;

    /// Changes one option as the other binary takes it (help that says another default,
    /// say); the option as the server has it by default.
    fn adjust(arg: clap::Arg) -> clap::Arg {
        arg
    }
}

/// A server's own command line `T` inside another binary's: every option of `T` with its
/// long flag prefixed by [`Prefix::FLAG`], and the same environment variable, help, default
/// and value parser (so its errors and accepted values are the server's).
#[derive(Debug, Clone)]
pub struct Prefixed<T, P> {
    pub inner: T,
    prefix: PhantomData<P>,
}

impl<T, P: Prefix> Prefixed<T, P> {
    fn id(inner: &clap::Id) -> String {
        format!("{}-{inner}", P::FLAG)
    }
}

impl<T: Parser, P: Prefix> Args for Prefixed<T, P> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let own = T::command();
        let mut cmd = cmd.next_help_heading(P::HEADING);
        for arg in own.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if matches!(long, "help" | "version") {
                continue;
            }
            cmd = cmd.arg(P::adjust(
                arg.clone()
                    .id(Self::id(arg.get_id()))
                    .long(format!("{}-{long}", P::FLAG))
                    .help_heading(P::HEADING),
            ));
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<T: Parser, P: Prefix> FromArgMatches for Prefixed<T, P> {
    /// `T` parsed from the values given to the prefixed flags (or their variables), so `T`
    /// keeps its own rules and defaults.
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let own = T::command();
        let mut argv = vec![OsString::from(own.get_name())];
        for arg in own.get_arguments() {
            let (Some(long), id) = (arg.get_long(), Self::id(arg.get_id())) else {
                continue;
            };
            let given = m.try_contains_id(&id).unwrap_or(false)
                && matches!(
                    m.value_source(&id),
                    Some(ValueSource::CommandLine | ValueSource::EnvVariable)
                );
            if !given {
                continue;
            }
            if !arg.get_action().takes_values() {
                if m.get_one::<bool>(&id).copied().unwrap_or(false) {
                    argv.push(format!("--{long}").into());
                }
                continue;
            }
            for raw in m.get_raw(&id).into_iter().flatten() {
                let mut flag = OsString::from(format!("--{long}="));
                flag.push(raw);
                argv.push(flag);
            }
        }
        Ok(Self {
            inner: T::try_parse_from(argv)?,
            prefix: PhantomData,
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

/// For an error that is a port already in use: how to pick another (empty otherwise).
pub fn port_hint(err: &anyhow::Error, flag: &str, var: &str) -> String {
    let in_use = err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::AddrInUse)
    });
    if in_use {
        format!("; choose another address with {flag} or {var} (port 0 picks a free one)")
    } else {
        String::new()
    }
}

/// Logs to stderr with `RUST_LOG` or `default_filter`; colour only on a terminal.
pub fn init_logging(default_filter: &str) {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_naming_another_flag_spells_both_under_the_prefix() {
        let problem = FlagProblem::new("tls-cert", "X_TLS_CERT", "needs its key: give")
            .naming("tls-key", "X_TLS_KEY");
        assert_eq!(
            problem.to_string(),
            "--tls-cert (X_TLS_CERT): needs its key: give --tls-key (X_TLS_KEY)"
        );
        assert_eq!(
            problem.prefixed("okta").to_string(),
            "--okta-tls-cert (X_TLS_CERT): needs its key: give --okta-tls-key (X_TLS_KEY)"
        );
    }

    #[test]
    fn a_json_file_that_is_not_json_or_of_the_wrong_shape_says_which() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Shape {
            users: Vec<String>,
        }
        let dir = std::env::temp_dir().join(format!("server-kit-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let err = |path: &std::path::Path| read_json_file::<Shape>("seed file", path).unwrap_err();
        let text = err(&file("text.json", "hello")).to_string();
        assert!(
            text.contains("text.json is not valid JSON: expected value at line 1"),
            "{text}"
        );
        let shape = err(&file("shape.json", r#"{"user": []}"#)).to_string();
        assert!(
            shape.contains("shape.json has the wrong shape: unknown field `user`"),
            "{shape}"
        );
        let missing = err(&dir.join("missing.json")).to_string();
        assert!(missing.starts_with("cannot read seed file "), "{missing}");
        assert!(
            read_json_file::<Shape>("seed file", &file("ok.json", r#"{"users": ["a"]}"#)).is_ok()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_listen_address_is_host_and_port() {
        for good in [
            "127.0.0.1:9000",
            "localhost:0",
            "[::1]:8000",
            "0.0.0.0:65535",
        ] {
            assert_eq!(listen_address(good).as_deref(), Ok(good));
        }
        for bad in [
            "nope",
            "9000",
            ":9000",
            "127.0.0.1:",
            "127.0.0.1:99999",
            "http://x:1",
        ] {
            let err = listen_address(bad).unwrap_err();
            assert!(err.contains("expected HOST:PORT"), "{bad}: {err}");
        }
    }

    #[derive(Debug, Parser)]
    #[command(name = "t")]
    struct Args {
        #[arg(long, env = "T_TIER", value_parser = ["free", "enterprise"], default_value = "free")]
        tier: String,
        #[arg(long, env = "T_SWITCH")]
        switch: bool,
    }

    fn line(args: &[&str], env: &[(&str, &str)]) -> String {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let env: Vec<(String, OsString)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        let lookup = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let e = Args::try_parse_from(&args).unwrap_err();
        one_line::<Args>(&e, &args, &lookup)
    }

    #[test]
    fn a_bad_value_lists_what_is_accepted() {
        assert_eq!(
            line(&["t", "--tier", "gold"], &[]),
            "invalid value 'gold' for '--tier <TIER>'; accepted values: free, enterprise"
        );
    }

    /// Its own variables, read by no other test.
    #[derive(Debug, Parser)]
    #[command(name = "t")]
    struct EnvArgs {
        #[arg(long, env = "SERVER_KIT_CLI_TEST_TIER", value_parser = ["free", "enterprise"], default_value = "free")]
        tier: String,
        #[arg(long, env = "SERVER_KIT_CLI_TEST_SWITCH")]
        switch: bool,
    }

    fn env_line(var: &str, value: &str) -> String {
        // SAFETY: only this test reads these variables, and it sets and removes them on its
        // own thread.
        unsafe { std::env::set_var(var, value) };
        let args = vec![OsString::from("t")];
        let e = EnvArgs::try_parse_from(&args).unwrap_err();
        let line = one_line::<EnvArgs>(&e, &args, &|k| std::env::var_os(k));
        unsafe { std::env::remove_var(var) };
        line
    }

    #[test]
    fn a_bad_variable_is_named_as_the_source() {
        assert_eq!(
            env_line("SERVER_KIT_CLI_TEST_TIER", "gold"),
            "invalid value 'gold' for 'SERVER_KIT_CLI_TEST_TIER' (the variable behind '--tier <TIER>'); accepted values: free, enterprise"
        );
        let l = env_line("SERVER_KIT_CLI_TEST_SWITCH", "1");
        assert!(l.contains("'SERVER_KIT_CLI_TEST_SWITCH'"), "{l}");
        assert!(l.ends_with("accepted values: true, false"), "{l}");
    }

    #[test]
    fn an_unknown_flag_is_one_line_pointing_to_help() {
        assert_eq!(
            line(&["t", "--bogus"], &[]),
            "unexpected argument '--bogus' found (see --help)"
        );
    }
}
