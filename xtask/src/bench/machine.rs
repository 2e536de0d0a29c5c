//! A description of the machine and the moment, printed above every table.

use std::fs;
use std::process::Command;

/// What the reader needs to judge the numbers.
#[derive(Debug, Clone)]
pub struct Machine {
    /// CPU model from /proc/cpuinfo.
    pub cpu: String,
    /// Logical CPUs available.
    pub cpus: usize,
    /// UTC date and time of the run's start.
    pub date: String,
    /// /proc/loadavg at the start of the run.
    pub load_start: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `uname -sr`.
    pub kernel: String,
    /// The commit measured (`git describe --always --dirty`).
    pub commit: String,
}

impl Machine {
    /// Reads the machine's description now.
    pub fn describe() -> Machine {
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        Machine {
            cpu,
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            date: output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            load_start: load(),
            rustc: output("rustc", &["--version"]),
            kernel: output("uname", &["-sr"]),
            commit: output("git", &["describe", "--always", "--dirty"]),
        }
    }
}

/// The 1, 5 and 15 minute load averages.
pub fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// First line of a command's stdout, or `unknown`.
pub fn output(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".into())
}
