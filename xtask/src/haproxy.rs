//! Making sure `haproxy` is there for calc-server's HAProxy test
//! (bins/server/tests/haproxy.rs), which `cargo test` runs.
//!
//! CI is a clean Debian machine running as root with only Rust and
//! python3, and `.ci/run` only calls `cargo xtask ci`, so the install
//! happens here: `apt-get update && apt-get install -y haproxy` when
//! haproxy is missing and we are root. Under `CI` a haproxy that is still
//! missing fails the run; locally without root we say the test will skip.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// apt-get's steps may wait on the network; never longer than this each.
const APT_TIMEOUT: Duration = Duration::from_secs(600);

fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|d| d.join("haproxy"))
        .find(|p| p.is_file())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `cmd` with a time limit; kills it when the limit passes.
fn run_bounded(what: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("==> {what}");
    let mut child = cmd
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    let deadline = Instant::now() + APT_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("{what}: {e}"))? {
            return if status.success() {
                Ok(())
            } else {
                Err(format!("{what} failed ({status})"))
            };
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{what} did not finish within {APT_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Installs haproxy if it is missing and we can; errors only when CI
/// needs it and it cannot be had.
pub fn ensure() -> Result<(), String> {
    if let Some(p) = find() {
        eprintln!("==> haproxy: {}", p.display());
        return Ok(());
    }
    if is_root() {
        let apt = |args: &[&str]| {
            let mut c = Command::new("apt-get");
            c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            c
        };
        let installed = run_bounded("apt-get update", &mut apt(&["update", "-q"])).and_then(|()| {
            run_bounded(
                "apt-get install -y haproxy",
                &mut apt(&["install", "-y", "-q", "--no-install-recommends", "haproxy"]),
            )
        });
        match (installed, find()) {
            (Ok(()), Some(p)) => {
                eprintln!("==> haproxy installed: {}", p.display());
                return Ok(());
            }
            (Ok(()), None) => {
                let msg = "apt-get installed haproxy but no haproxy binary is found".to_string();
                if in_ci() {
                    return Err(msg);
                }
                eprintln!("xtask: {msg}");
            }
            (Err(e), _) => {
                if in_ci() {
                    return Err(format!(
                        "haproxy is missing and could not be installed: {e}"
                    ));
                }
                eprintln!("xtask: haproxy could not be installed ({e})");
            }
        }
    } else if in_ci() {
        return Err(
            "haproxy is missing and cannot be installed without root; CI must run the HAProxy test"
                .into(),
        );
    }
    eprintln!(
        "xtask: haproxy not available: the HAProxy test (bins/server/tests/haproxy.rs) will SKIP \
         (install it with `apt-get install haproxy` to run it)"
    );
    Ok(())
}
