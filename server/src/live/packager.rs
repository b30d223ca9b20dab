//! The packager: one ffmpeg per run of a live show, reading FLV on its stdin
//! and writing each rendition as fragmented MP4 (CMAF, a fragment every
//! ~200 ms and at each keyframe) to a Unix socket the server listens on,
//! where a [`cutter`](super::cutter) cuts it into low-latency
//! parts and 1-second segments under `<media dir>/<show>/run-<N>/<rendition>/`.
//! Audio and video are copied, not encoded: encoding costs CPU per show. Only
//! the optional 360p rendition is encoded.
//!
//! why a socket: ffmpeg's HLS muxer cannot write partial segments, so the
//! server cuts them, and needs one stream per rendition. Stdout carries only
//! one; extra pipes would need file descriptors passed by hand. The sockets
//! live in a folder of the run's own under the system's temporary folder,
//! readable by the server's user only (a loopback TCP port could be reached
//! by any local user first, and feed a show another picture), with a short
//! path (a Unix socket's is limited to about 100 bytes, which a media folder
//! may exceed). Each accepts ffmpeg's one connection and is removed.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::cutter::{self, Shared};
use super::Rendition;

/// How long ffmpeg may take to write its last segment after its input ends.
const FINISH_TIMEOUT: Duration = Duration::from_secs(10);
/// How long ffmpeg may take to connect to a rendition's listener (it opens its
/// outputs once it has probed the first seconds of input).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The output options of every rendition: fragmented MP4 with an empty
/// `moov` (the init section comes first, alone), fragments at each keyframe
/// and every 200 ms, each sent as soon as it is complete.
// why 200 ms: ffmpeg closes a fragment at the first sample at least this far
// from its start, so a fragment runs up to one frame longer; at 20 fps and
// above that stays within the 250 ms part target.
pub const FRAGMENTED_MP4: [&str; 8] = [
    "-f",
    "mp4",
    "-movflags",
    "cmaf+empty_moov+default_base_moof+frag_keyframe+skip_trailer",
    "-frag_duration",
    "200000",
    "-flush_packets",
    "1",
];

/// The folder of run `n` of a show whose media lives in `show_dir`.
pub fn run_dir(show_dir: &Path, n: u32) -> PathBuf {
    show_dir.join(format!("run-{n}"))
}

/// ffmpeg's arguments for one run, each rendition sent to its address.
pub fn arguments(outputs: &[(Rendition, String)], audio: bool) -> Vec<String> {
    let mut args: Vec<String> = [
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        "-f",
        "flv",
        "-i",
        "pipe:0",
    ]
    .map(String::from)
    .to_vec();
    if outputs.iter().any(|(r, _)| *r == Rendition::P360) {
        args.extend(["-filter_complex".into(), "[0:v]scale=-2:360[v360]".into()]);
    }
    for (rendition, address) in outputs {
        match rendition {
            Rendition::Source => args.extend(["-map".into(), "0:v:0".into()]),
            Rendition::P360 => args.extend(["-map".into(), "[v360]".into()]),
        }
        if audio {
            args.extend(["-map".into(), "0:a:0".into(), "-c:a".into(), "copy".into()]);
        }
        match rendition {
            Rendition::Source => args.extend(["-c:v".into(), "copy".into()]),
            // Main profile level 3.0 plays everywhere (and is the `CODECS` the
            // master playlist announces); a keyframe every second lines its
            // segments up with the source's.
            Rendition::P360 => args.extend(
                [
                    "-c:v",
                    "libx264",
                    "-preset",
                    "veryfast",
                    "-tune",
                    "zerolatency",
                    "-profile:v",
                    "main",
                    "-level:v",
                    "3.0",
                    "-pix_fmt",
                    "yuv420p",
                    "-b:v",
                    "700k",
                    "-maxrate:v",
                    "800k",
                    "-bufsize:v",
                    "1400k",
                    "-force_key_frames",
                    "expr:gte(t,n_forced*1)",
                ]
                .map(String::from),
            ),
        }
        args.extend(FRAGMENTED_MP4.map(String::from));
        args.push(address.clone());
    }
    args
}

/// One running ffmpeg.
pub struct Packager {
    child: Child,
    stdin: Option<ChildStdin>,
    /// One per rendition; each ends when ffmpeg closes its connection.
    cutters: Vec<JoinHandle<()>>,
    /// The private folder of the renditions' sockets.
    sockets: PathBuf,
}

impl Drop for Packager {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.sockets);
    }
}

/// A new folder only the server's user may enter, for a run's sockets.
fn socket_folder() -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let path = std::env::temp_dir().join(format!("lapak-{:016x}", rand::random::<u64>()));
    std::fs::DirBuilder::new().mode(0o700).create(&path)?;
    Ok(path)
}

impl Packager {
    /// Starts ffmpeg for a run into `dir` (created here), each rendition cut
    /// into its folder and told to its [`Shared`]; `wake` hears of each part.
    pub async fn spawn(
        dir: &Path,
        renditions: &[(Rendition, Arc<Shared>)],
        audio: bool,
        wake: Arc<Notify>,
    ) -> std::io::Result<Packager> {
        let mut outputs = Vec::new();
        let mut cutters = Vec::new();
        let sockets = socket_folder()?;
        for (rendition, shared) in renditions {
            let folder = dir.join(rendition.as_str());
            tokio::fs::create_dir_all(&folder).await?;
            let socket = sockets.join(format!("{}.sock", rendition.as_str()));
            let listener = UnixListener::bind(&socket)?;
            outputs.push((*rendition, format!("unix:{}", socket.display())));
            let (shared, wake) = (shared.clone(), wake.clone());
            cutters.push(tokio::spawn(async move {
                match tokio::time::timeout(CONNECT_TIMEOUT, listener.accept()).await {
                    Ok(Ok((stream, _))) => {
                        drop(listener);
                        let _ = std::fs::remove_file(&socket);
                        cutter::cut(stream, folder, shared, wake).await;
                    }
                    Ok(Err(error)) => tracing::warn!(%error, "packager output not accepted"),
                    Err(_) => tracing::warn!("the packager never sent its output"),
                }
            }));
        }
        let mut child = Command::new("ffmpeg")
            .args(arguments(&outputs, audio))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // No orphan ffmpeg when the server stops or a task is cancelled.
            .kill_on_drop(true)
            .spawn()?;
        let stdin = child.stdin.take();
        if let Some(stderr) = child.stderr.take() {
            let dir = dir.display().to_string();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    tracing::warn!(run = %dir, "ffmpeg: {line}");
                }
            });
        }
        Ok(Packager {
            child,
            stdin,
            cutters,
            sockets,
        })
    }

    /// ffmpeg's process id (for tests and operators).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Feeds FLV bytes; an error means ffmpeg has gone.
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut self.stdin {
            Some(stdin) => stdin.write_all(bytes).await,
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    /// Ends the input so that ffmpeg writes its last segment and exits; kills it
    /// if it takes too long.
    pub async fn finish(mut self) {
        drop(self.stdin.take());
        match tokio::time::timeout(FINISH_TIMEOUT, self.child.wait()).await {
            Ok(Ok(status)) if !status.success() => {
                tracing::warn!(%status, "packager exited with an error");
            }
            Ok(_) => {}
            Err(_) => {
                tracing::warn!("packager did not finish in time; killing it");
                let _ = self.child.kill().await;
            }
        }
        self.cut_last().await;
    }

    /// Reaps an ffmpeg that has died.
    pub async fn reap(mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill().await;
        self.cut_last().await;
    }

    /// Waits for the cutters to write what ffmpeg sent last, so the run is
    /// marked finished only after its last segment is listed.
    async fn cut_last(&mut self) {
        for cutter in self.cutters.drain(..) {
            if tokio::time::timeout(FINISH_TIMEOUT, cutter).await.is_err() {
                tracing::warn!("a cutter did not finish in time");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> (Rendition, String) {
        (Rendition::Source, "unix:/tmp/lapak-1/src.sock".into())
    }

    #[test]
    fn passthrough_copies_one_rendition() {
        let line = arguments(&[src()], true).join(" ");
        assert!(line.contains("-map 0:v:0 -map 0:a:0 -c:a copy -c:v copy -f mp4"));
        assert!(!line.contains("libx264"));
        assert!(line.ends_with("-flush_packets 1 unix:/tmp/lapak-1/src.sock"));
    }

    #[test]
    fn the_lower_rendition_is_encoded_and_keeps_the_audio() {
        let lower = (Rendition::P360, "unix:/tmp/lapak-1/360p.sock".into());
        let line = arguments(&[src(), lower], true).join(" ");
        assert!(line.contains("-map [v360] -map 0:a:0 -c:a copy -c:v libx264"));
        assert!(line.ends_with("unix:/tmp/lapak-1/360p.sock"));
        assert_eq!(line.matches("-f mp4").count(), 2);
    }

    #[test]
    fn a_silent_encoder_maps_no_audio() {
        assert!(!arguments(&[src()], false).join(" ").contains("0:a:0"));
    }
}
