//! Installing a missing system package with apt-get, which only CI (a
//! clean Debian machine running as root, `CI=true`) does unasked: haproxy
//! for calc-server's HAProxy test ([`crate::haproxy`]), redis-server for
//! the Redis baseline of `cargo xtask bench`. Elsewhere a flag asks for it
//! (`cargo xtask ci --install-haproxy`, `cargo xtask bench
//! --install-redis`).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// apt-get's steps may wait on the network; never longer than this each.
const APT_TIMEOUT: Duration = Duration::from_secs(600);

/// Whether we run under CI (`CI` set, and not to `false` or `0`), as the
/// HAProxy test decides it too.
pub fn in_ci() -> bool {
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

/// `apt-get update` and `apt-get install -y PACKAGE`, as root, each
/// bounded in time. `how` tells the user how to install it otherwise, for
/// the message when we are not root.
pub fn install(package: &str, how: &str) -> Result<(), String> {
    if !is_root() {
        return Err(format!(
            "{package} is missing and installing it needs root; {how}"
        ));
    }
    let apt = |args: &[&str]| {
        let mut c = Command::new("apt-get");
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run_bounded("apt-get update", &mut apt(&["update", "-q"]))?;
    run_bounded(
        &format!("apt-get install -y {package}"),
        &mut apt(&["install", "-y", "-q", "--no-install-recommends", package]),
    )
}
