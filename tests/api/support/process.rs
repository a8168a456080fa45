//! The `bimtek` binary run as its own process, as an operator runs it: its
//! settings from the environment, its address from its first lines, and
//! its memory from /proc.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The binary in `dir`, with no settings from the tester's environment.
pub fn bimtek(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bimtek"));
    command
        .current_dir(dir)
        .env_remove("BIMTEK_DATABASE_URL")
        .env_remove("BIMTEK_BIND")
        .env_remove("BIMTEK_CONFIG")
        .env("BIMTEK_LOG", "warn")
        .env("BIMTEK_HTTP_WORKERS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A server process, stopped when dropped.
pub struct Running {
    _child: Child,
    pub url: String,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self._child.id().expect("still running")
    }
}

/// Forgets the process's peak memory (VmHWM), so that the next reading
/// is the peak of what follows.
pub fn reset_peak(pid: u32) {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("the peak can be reset");
}

/// A memory figure of a process from /proc (VmRSS, VmHWM), in MiB.
pub fn memory_mib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches(" kB").parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

/// Starts the command and waits for the line announcing where it serves.
pub async fn start(mut command: Command) -> Running {
    let mut child = command.spawn().expect("bimtek starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = child.stderr.take().unwrap();
    let announced = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.split("serving on ").nth(1) {
                return url.trim_end_matches('/').to_owned();
            }
        }
        let mut said = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut said).await;
        panic!("bimtek ended without serving: {said}");
    })
    .await
    .expect("bimtek announces its address within a minute");
    // Keep reading so the process never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    tokio::spawn(async move { tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await });
    Running {
        _child: child,
        url: announced,
    }
}
