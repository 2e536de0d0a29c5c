//! Making sure `haproxy` is there for calc-server's HAProxy test
//! (bins/server/tests/haproxy.rs), which `cargo test` runs.
//!
//! CI is a clean Debian machine running as root with only Rust and
//! python3, and `.ci/run` only calls `cargo xtask ci` with `CI=true`, so
//! under `CI` the install happens here: `apt-get update && apt-get install
//! -y haproxy` when haproxy is missing, and a haproxy that is still missing
//! fails the run. Elsewhere nothing is installed unless asked for
//! (`cargo xtask haproxy`, `cargo xtask ci --install-haproxy`): a missing
//! haproxy means the HAProxy test skips, and we say so and how to install
//! it.
//!
//! The test keeps its own copy of [`find`] (its `$HAPROXY`, `PATH`,
//! /usr/sbin search): sharing the few lines would need a crate of its own
//! that both the xtask and calc-server's tests depend on.

use std::path::PathBuf;

use argh::FromArgs;

/// Installs haproxy (apt-get, as root) if it is missing, as `cargo xtask
/// ci` does under CI, so that the HAProxy test runs.
#[derive(FromArgs, Debug, PartialEq, Eq)]
#[argh(subcommand, name = "haproxy")]
pub struct Args {}

/// Whether a missing haproxy should be installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Install {
    /// Install it (needs root); failing to is an error.
    Yes,
    /// Only say that the HAProxy test will skip, and how to install it.
    No,
}

/// What [`ensure`] found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// haproxy is there (found, or just installed).
    At(PathBuf),
    /// haproxy is missing; the HAProxy test will skip.
    Missing,
}

/// How to get haproxy, for the messages.
const HOW: &str = "install it with `apt-get install haproxy` (as root), or run \
                   `cargo xtask ci --install-haproxy` or `cargo xtask haproxy` as root";

/// The haproxy binary the HAProxy test would use: `$HAPROXY`, else the
/// first on `PATH`, /usr/sbin or /usr/local/sbin.
pub fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HAPROXY") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|d| d.join("haproxy"))
        .find(|p| p.is_file())
}

fn apt_install() -> Result<PathBuf, String> {
    crate::apt::install("haproxy", HOW)?;
    find().ok_or_else(|| "apt-get installed haproxy but no haproxy binary is found".to_string())
}

/// Finds haproxy, installing it when `install` says so. Without it and
/// without installing, says that the HAProxy test will skip.
pub fn ensure(install: Install) -> Result<Found, String> {
    if let Some(p) = find() {
        eprintln!("==> haproxy: {}", p.display());
        return Ok(Found::At(p));
    }
    match install {
        Install::Yes => {
            let p = apt_install().map_err(|e| format!("haproxy: {e}"))?;
            eprintln!("==> haproxy installed: {}", p.display());
            Ok(Found::At(p))
        }
        Install::No => {
            eprintln!(
                "==> haproxy is not installed: the HAProxy test (bins/server/tests/haproxy.rs) \
                 will be SKIPPED locally; to run it, {HOW}"
            );
            Ok(Found::Missing)
        }
    }
}
