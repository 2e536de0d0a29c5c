//! What docs/operations.md, docs/security.md and docs/protocol.md say about
//! calc-server, checked against the real binary: the flags and their
//! defaults (the docs' table against `--help`), the exit statuses, the
//! refusal of a client past `--max-clients` (its answer and its log
//! record), and the protocol's examples of CR in a request. Each test reads
//! the document, so a change to either side that the other does not follow
//! fails here.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Output};

use common::{Server, TIMEOUT};

fn doc(name: &str) -> String {
    let path = format!("{}/../../docs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_calc-server"))
        .args(args)
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .output()
        .expect("run calc-server")
}

/// The default a description gives: what follows `(default` up to `:`,
/// `;` or `)`.
fn default_in(text: &str) -> Option<String> {
    let after = text.split_once("(default")?.1;
    let after = after.trim_start_matches(':').trim_start();
    let end = after.find([':', ';', ')']).unwrap_or(after.len());
    Some(after[..end].trim().to_string())
}

/// `--help`'s options: flag → its description on one line.
fn help_options(help: &str) -> BTreeMap<String, String> {
    let mut options = BTreeMap::new();
    let mut current: Option<String> = None;
    let section = help
        .split_once("Options:")
        .map_or("", |(_, rest)| rest.split("\n\n").next().unwrap_or(""));
    for line in section.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent <= 4 && trimmed.starts_with("--") {
            let (flag, rest) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
            let flag = flag.trim_end_matches(',').to_string();
            options.insert(flag.clone(), rest.trim().to_string());
            current = Some(flag);
        } else if let Some(flag) = &current {
            if let Some(text) = options.get_mut(flag) {
                text.push(' ');
                text.push_str(trimmed);
            }
        }
    }
    options
}

/// The rows of the Markdown table whose header row is `header`: cells of each row, backticks kept.
fn table_after(text: &str, header: &str) -> Vec<Vec<String>> {
    let start = text
        .find(header)
        .unwrap_or_else(|| panic!("no table with header {header:?}"));
    text[start..]
        .lines()
        .map(str::trim_start) // a table inside a list item is indented
        .skip(2) // the header and the |---| line
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The first `backticked` word of a cell, else the whole cell.
fn first_code(cell: &str) -> String {
    match cell.split('`').nth(1) {
        Some(code) if cell.contains('`') => code.to_string(),
        _ => cell.to_string(),
    }
}

#[test]
fn the_flag_table_of_operations_md_is_what_help_says() {
    let out = server(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    let options = help_options(&help);
    assert!(options.contains_key("--max-clients"), "{help}");

    let ops = doc("operations.md");
    let rows = table_after(&ops, "| flag | default | meaning |");
    let mut documented = BTreeMap::new();
    for row in &rows {
        let flag = first_code(&row[0]);
        if flag.starts_with("--") {
            documented.insert(flag, first_code(&row[1]));
        }
    }
    // Every flag is in the table, and only flags that exist; --help and
    // --version need no row.
    let flags: Vec<&String> = options
        .keys()
        .filter(|f| *f != "--help" && *f != "--version")
        .collect();
    assert_eq!(
        documented.keys().collect::<Vec<_>>(),
        flags,
        "operations.md's flag table and calc-server --help list different flags"
    );
    for (flag, default) in &documented {
        let said = default_in(&options[flag])
            .unwrap_or_else(|| panic!("--help gives no default for {flag}: {}", options[flag]));
        let same = said == *default
            // "number of CPUs" in the table, "one per CPU" in the help.
            || (said.contains("CPU") && default.contains("CPU"));
        assert!(
            same,
            "{flag}: operations.md says the default is {default:?}, --help says {said:?}"
        );
    }

    // The synopsis above the table names every flag, --help and --version
    // included.
    let synopsis = ops
        .split("```")
        .nth(1)
        .expect("the calc-server synopsis block");
    for flag in options.keys() {
        assert!(
            synopsis.contains(flag.as_str()),
            "{flag} not in the synopsis"
        );
    }
}

#[test]
fn the_exit_statuses_are_as_documented() {
    let ops = doc("operations.md");
    let claim = "Exit status: 0 after SIGINT/SIGTERM, 2 when it cannot start
(bad flag, address in use, unresolvable host, log file that cannot be
opened) with the reason on stderr.";
    assert!(ops.contains(claim), "operations.md no longer says: {claim}");
    let fails = |args: &[&str], reason: &str| {
        let out = server(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    };
    fails(&["--max-clientz", "5"], "--max-clientz");
    fails(&["--max-clients", "many"], "--max-clients");
    fails(&["--log-level", "loud"], "loud");
    fails(&["no-such-host.invalid", "0"], "no-such-host.invalid");
    let tmp = env!("CARGO_TARGET_TMPDIR");
    fails(
        &["127.0.0.1", "0", "--log-file", tmp],
        "cannot open log file",
    );

    let mut running = Server::start(&[]);
    let port = running.addr.port().to_string();
    fails(&["127.0.0.1", &port, "--log-file", "/dev/null"], &port);
    running.signal("TERM");
    assert_eq!(running.wait(TIMEOUT).code(), Some(0), "after SIGTERM");
    let mut running = Server::start(&[]);
    running.signal("INT");
    assert_eq!(running.wait(TIMEOUT).code(), Some(0), "after SIGINT");

    let out = server(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("calc-server "));
}

#[test]
fn a_client_past_max_clients_is_refused_as_documented() {
    let security = doc("security.md");
    let ops = doc("operations.md");
    let protocol = doc("protocol.md");
    // The log record security.md names, and the answer all three name.
    let record = "client refused: too many clients";
    assert!(security.contains(&format!("`{record}`")), "security.md");
    for (name, text) in [("security.md", &security), ("operations.md", &ops)] {
        assert!(text.contains("`ERR Busy: ...`"), "{name}");
    }
    assert!(protocol.contains("| `ERR Busy: message` |"), "protocol.md");

    let server = Server::start(&["--max-clients", "1"]);
    let mut first = server.connect();
    assert_eq!(first.ask("1+1"), "OK 2");
    let mut refused = server.connect();
    let busy = refused.line();
    assert!(busy.starts_with("ERR Busy: too many clients"), "{busy}");
    assert_eq!(refused.line(), "", "closed after ERR Busy");
    let log = server.wait_log("the refusal", |l| l.contains(record));
    let line = log
        .lines()
        .find(|l| l.contains(record))
        .expect("the record");
    assert!(line.contains(" WARN "), "{line}");
    assert!(line.contains("peer: 127.0.0.1:"), "{line}");
    assert!(line.contains("max_clients: 1"), "{line}");
    assert_eq!(first.ask("2+2"), "OK 4", "the first session goes on");
}

/// protocol.md's table of requests with CR in them, sent as written
/// (`<CR>`, `<LF>`, `<NUL>` spelled out) with the answers it gives; an
/// answer ending in `...` is a prefix.
#[test]
fn the_cr_examples_of_protocol_md_are_what_the_server_answers() {
    let protocol = doc("protocol.md");
    let rows = table_after(&protocol, "| request as sent | answer |");
    assert!(rows.len() >= 5, "{rows:?}");
    let server = Server::start(&[]);
    let mut client = server.connect();
    for row in &rows {
        let sent = first_code(&row[0])
            .replace("<CR>", "\r")
            .replace("<LF>", "\n")
            .replace("<NUL>", "\0");
        assert!(sent.ends_with('\n'), "{row:?}");
        let want = first_code(&row[1]);
        client.send(sent.as_bytes());
        let got = client.line();
        match want.strip_suffix("...") {
            Some(prefix) => assert!(got.starts_with(prefix), "{row:?}: got {got:?}"),
            None => assert_eq!(got, want, "{row:?}"),
        }
    }
}
