//! Xendit's contract fake (`scripts/fakes/xendit.py`, standard-library Python)
//! on a loopback port of its choosing.

use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The fake, taking `secret_key` and signing its callbacks with
/// `callback_token`, posting them to `callback_url` if given: its base URL,
/// and the process (killed when dropped).
pub async fn start_fake(
    secret_key: &str,
    callback_token: &str,
    callback_url: Option<&str>,
) -> (String, Child) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/fakes/xendit.py");
    let mut command = Command::new("python3");
    command
        .arg(script)
        .args(["--port", "0", "--secret-key", secret_key])
        .args(["--callback-token", callback_token]);
    if let Some(url) = callback_url {
        command.args(["--callback-url", url]);
    }
    let mut fake = command
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs the fake");
    let mut line = String::new();
    BufReader::new(fake.stdout.take().expect("its output"))
        .read_line(&mut line)
        .await
        .expect("the fake's first line");
    let address = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the fake says where it listens, not {line:?}"));
    (format!("http://{address}"), fake)
}
