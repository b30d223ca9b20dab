//! A real `nats-server -js` for the tests and load runs of servers sharing shows.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `nats-server -js` on a loopback port, its store in a folder of the test's.
pub struct Nats {
    pub child: Child,
    port: u16,
    store: PathBuf,
}

impl Nats {
    /// Started on `port`, or a free one.
    pub fn start(store: &Path, port: Option<u16>) -> Nats {
        let port = port.unwrap_or_else(|| {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        });
        let child = Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server (scripts/tools.sh installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Nats {
            child,
            port,
            store: store.to_path_buf(),
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// SIGKILL, then a new process on the same port: with the same store, or
    /// an empty one (`lose_store`), as a NATS whose disk was lost.
    pub fn restart(mut self, lose_store: bool) -> Nats {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        if lose_store {
            std::fs::remove_dir_all(&self.store).unwrap();
        }
        Nats::start(&self.store, Some(self.port))
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
