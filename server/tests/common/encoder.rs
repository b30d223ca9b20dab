//! An encoder for tests and benchmarks: a real ffmpeg publishing RTMP.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

/// An encoder: ffmpeg publishing a test pattern and a tone, a keyframe a second.
pub struct Publisher(Child);

impl Publisher {
    pub fn start(rtmp: SocketAddr, key: &str) -> Publisher {
        let child = Command::new("ffmpeg")
            .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-re"])
            .args(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25"])
            .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"])
            .args([
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-tune",
                "zerolatency",
            ])
            .args([
                "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv",
            ])
            .arg(format!("rtmp://{rtmp}/live/{key}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("ffmpeg is installed");
        Publisher(child)
    }

    /// Waits for the encoder to give up on its own; `None` if it keeps going.
    pub async fn exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(within, self.0.wait()).await.ok()?.ok()
    }

    pub async fn stop(mut self) {
        let _ = self.0.kill().await;
    }
}
