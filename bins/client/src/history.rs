//! The prompt's history file: where it is, reading it at the start, adding
//! each line as it is entered. Failing to read or write it is a warning.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use crate::helper::LineEditor;
use rustyline::error::ReadlineError;

/// Entries kept, in memory and in the file.
pub const MAX_ENTRIES: usize = 1000;

/// The environment variable that names the history file.
pub const ENV_VAR: &str = "CALCNET_HISTORY";

/// Where the history goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// This file.
    File(PathBuf),
    /// Nowhere: `--no-history`.
    Off,
    /// Nowhere: no HOME to put it in.
    NoHome,
}

impl Location {
    /// The history's place from the flags and the environment (`var` reads
    /// a variable): `--no-history`, else `--history-file`, else
    /// `$CALCNET_HISTORY`, else `$XDG_STATE_HOME/calcnet/history`, else
    /// `$HOME/.local/state/calcnet/history`. Empty variables count as unset,
    /// and so does a relative `XDG_STATE_HOME`, as the XDG base directory
    /// specification says.
    pub fn resolve(
        no_history: bool,
        file: Option<&Path>,
        var: impl Fn(&str) -> Option<OsString>,
    ) -> Location {
        let var = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if no_history {
            return Location::Off;
        }
        if let Some(file) = file {
            return Location::File(file.to_path_buf());
        }
        if let Some(file) = var(ENV_VAR) {
            return Location::File(file);
        }
        let state = var("XDG_STATE_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|home| home.join(".local").join("state")));
        match state {
            Some(dir) => Location::File(dir.join("calcnet").join("history")),
            None => Location::NoHome,
        }
    }

    /// For `help`: the file, or why there is none.
    pub fn describe(&self) -> String {
        match self {
            Location::File(path) => format!("kept in {}", path.display()),
            Location::Off => "not kept (--no-history)".into(),
            Location::NoHome => format!("not kept: neither HOME nor {ENV_VAR} is set"),
        }
    }
}

/// The history file of one run.
pub struct HistoryFile {
    location: Location,
    /// A write failed and was reported: later failures are not.
    warned: bool,
}

impl HistoryFile {
    /// Reads the history at `location` into `editor`. A missing file is an
    /// empty history; one that cannot be read is a warning.
    pub fn open(location: Location, editor: &mut LineEditor) -> HistoryFile {
        if let Location::File(path) = &location {
            match editor.load_history(path) {
                Ok(()) => {}
                Err(ReadlineError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => warn(path, "read", &e),
            }
        }
        HistoryFile {
            location,
            warned: false,
        }
    }

    /// Adds `line` to the history and to the file.
    pub fn add(&mut self, editor: &mut LineEditor, line: &str) {
        let _ = editor.add_history_entry(line);
        let Location::File(path) = &self.location else {
            return;
        };
        if let Err(e) = write(editor, path) {
            if !self.warned {
                warn(path, "write", &e);
                self.warned = true;
            }
        }
    }
}

/// Appends the new entries, creating the directory if need be (private, as
/// the XDG specification asks of the state directory).
fn write(editor: &mut LineEditor, path: &Path) -> Result<(), ReadlineError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
    }
    editor.append_history(path)
}

fn warn(path: &Path, what: &str, e: &dyn std::fmt::Display) {
    eprintln!(
        "calc-client: warning: cannot {what} the history file {}: {e}",
        path.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    fn file(p: &str) -> Location {
        Location::File(PathBuf::from(p))
    }

    #[test]
    fn flags_then_variable_then_xdg_then_home() {
        let all = [
            (ENV_VAR, "/h/env"),
            ("XDG_STATE_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(
            Location::resolve(true, Some(Path::new("/f")), env(&all)),
            Location::Off
        );
        assert_eq!(
            Location::resolve(false, Some(Path::new("/f")), env(&all)),
            file("/f")
        );
        assert_eq!(Location::resolve(false, None, env(&all)), file("/h/env"));
        assert_eq!(
            Location::resolve(false, None, env(&all[1..])),
            file("/xdg/calcnet/history")
        );
        assert_eq!(
            Location::resolve(false, None, env(&all[2..])),
            file("/home/u/.local/state/calcnet/history")
        );
        assert_eq!(Location::resolve(false, None, env(&[])), Location::NoHome);
    }

    #[test]
    fn empty_and_relative_values_are_ignored() {
        let vars = [
            (ENV_VAR, ""),
            ("XDG_STATE_HOME", "rel/state"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(
            Location::resolve(false, None, env(&vars)),
            file("/home/u/.local/state/calcnet/history")
        );
        let vars = [("XDG_STATE_HOME", ""), ("HOME", "")];
        assert_eq!(Location::resolve(false, None, env(&vars)), Location::NoHome);
    }
}
