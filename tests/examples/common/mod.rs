//! What every example shares: reading the connection settings and building a client.
//! (A folder without `main.rs`, so Cargo does not take it for an example itself.)
//!
//! Settings come from flags or, failing those, from the environment:
//!
//! | flag                | variable          | meaning                                        |
//! |---------------------|-------------------|------------------------------------------------|
//! | `--host HOST`       | `NTNX_HOST`       | Prism Central address (port 9440)              |
//! | `--username USER`   | `NTNX_USERNAME`   | user name for basic authentication             |
//! | `--password PASS`   | `NTNX_PASSWORD`   | its password (prefer the variable: flags show in `ps`) |
//! | `--api-key KEY`     | `NTNX_API_KEY`    | an API key, instead of user name and password  |
//! | `--insecure`        | `NTNX_INSECURE=1` | accept a self-signed certificate (lab clusters only) |
//!
//! Other arguments are the example's own.

// Each example uses a part of this module.
#![allow(dead_code)]

use std::process::ExitCode;

use ntnx_runtime::Client;

/// The connection settings and the example's own arguments.
pub struct Settings {
    pub host: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub api_key: Option<String>,
    pub insecure: bool,
    /// The arguments that are not connection flags.
    pub args: Vec<String>,
}

/// Reads the settings; prints the usage and exits with status 2 when the host or one of
/// the `required` example arguments (named in `synopsis`) is missing.
pub fn settings(example: &str, synopsis: &str, required: usize) -> Settings {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut settings = Settings {
        host: String::new(),
        username: env("NTNX_USERNAME"),
        password: env("NTNX_PASSWORD"),
        api_key: env("NTNX_API_KEY"),
        insecure: env("NTNX_INSECURE").is_some_and(|v| v == "1" || v == "true"),
        args: Vec::new(),
    };
    let mut host = env("NTNX_HOST");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--host" => host = args.next(),
            "--username" => settings.username = args.next(),
            "--password" => settings.password = args.next(),
            "--api-key" => settings.api_key = args.next(),
            "--insecure" => settings.insecure = true,
            "-h" | "--help" => usage(example, synopsis),
            _ => settings.args.push(arg),
        }
    }
    match host {
        Some(host) if settings.args.len() >= required => settings.host = host,
        _ => usage(example, synopsis),
    }
    settings
}

/// Reads the settings and builds a client with the API key, or else the user name and
/// password; exits with the usage when there are no credentials.
pub fn connect(example: &str, synopsis: &str, required: usize) -> (Client, Vec<String>) {
    let settings = settings(example, synopsis, required);
    let builder = Client::builder(&settings.host).danger_accept_invalid_certs(settings.insecure);
    let builder = match (&settings.api_key, &settings.username, &settings.password) {
        (Some(key), _, _) => builder.api_key(key.as_str()),
        (None, Some(user), Some(password)) => builder.basic_auth(user, password.as_str()),
        _ => usage(example, synopsis),
    };
    match builder.build() {
        Ok(client) => (client, settings.args),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    }
}

/// Prints how to run `example` and exits with status 2.
pub fn usage(example: &str, synopsis: &str) -> ! {
    eprintln!(
        "usage: cargo run -p ntnx-workspace-tests --example {example} -- \
         [--host HOST] [--username USER --password PASS | --api-key KEY] [--insecure] {synopsis}\n\
         (or set NTNX_HOST, NTNX_USERNAME and NTNX_PASSWORD or NTNX_API_KEY; \
         NTNX_INSECURE=1 accepts a self-signed certificate)"
    );
    std::process::exit(2)
}

/// The exit status for an example's result, printing the error if there is one.
pub fn finish(result: Result<(), ntnx_runtime::Error>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
