//! The packager: one ffmpeg per run of a live show, reading FLV on its stdin
//! and writing fMP4 HLS (init segment, 1-second segments, its own playlist) into
//! `<media dir>/<show>/run-<N>/<rendition>/`. Audio and video are copied, not
//! encoded: encoding costs CPU per show. Only the optional 360p rendition is encoded.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

use super::Rendition;

/// How long ffmpeg may take to write its last segment after its input ends.
const FINISH_TIMEOUT: Duration = Duration::from_secs(10);

/// The folder of run `n` of a show whose media lives in `show_dir`.
pub fn run_dir(show_dir: &Path, n: u32) -> PathBuf {
    show_dir.join(format!("run-{n}"))
}

/// ffmpeg's arguments for one run into `dir`.
pub fn arguments(dir: &Path, renditions: &[Rendition], audio: bool) -> Vec<String> {
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
    let lower = renditions.contains(&Rendition::P360);
    if lower {
        args.extend(["-filter_complex".into(), "[0:v]scale=-2:360[v360]".into()]);
    }
    let mut map = Vec::new();
    for (index, rendition) in renditions.iter().enumerate() {
        match rendition {
            Rendition::Source => args.extend(["-map".into(), "0:v:0".into()]),
            Rendition::P360 => args.extend(["-map".into(), "[v360]".into()]),
        }
        let mut entry = format!("v:{index}");
        if audio {
            args.extend(["-map".into(), "0:a:0".into()]);
            entry.push_str(&format!(",a:{index}"));
        }
        map.push(format!("{entry},name:{}", rendition.as_str()));
    }
    args.extend(["-c:a".into(), "copy".into(), "-c:v:0".into(), "copy".into()]);
    if lower {
        // Main profile level 3.0 plays everywhere (and is the `CODECS` the master
        // playlist announces); a keyframe every second lines its segments up
        // with the source's.
        args.extend(
            [
                "-c:v:1",
                "libx264",
                "-preset:v:1",
                "veryfast",
                "-tune:v:1",
                "zerolatency",
                "-profile:v:1",
                "main",
                "-level:v:1",
                "3.0",
                "-pix_fmt:v:1",
                "yuv420p",
                "-b:v:1",
                "700k",
                "-maxrate:v:1",
                "800k",
                "-bufsize:v:1",
                "1400k",
                "-force_key_frames:v:1",
                "expr:gte(t,n_forced*1)",
            ]
            .map(String::from),
        );
    }
    let dir = dir.display();
    args.extend(
        [
            "-f",
            "hls",
            "-hls_time",
            "1",
            "-hls_segment_type",
            "fmp4",
            // temp_file: segments and the playlist are written under another name
            // and renamed, so the server never reads a half-written playlist or
            // lists a half-written segment.
            "-hls_flags",
            "independent_segments+temp_file",
            "-hls_list_size",
            "0",
            "-hls_fmp4_init_filename",
            "init.mp4",
        ]
        .map(String::from),
    );
    args.extend([
        "-hls_segment_filename".into(),
        format!("{dir}/%v/seg-%05d.m4s"),
        "-var_stream_map".into(),
        map.join(" "),
        format!("{dir}/%v/index.m3u8"),
    ]);
    args
}

/// One running ffmpeg.
pub struct Packager {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Packager {
    /// Starts ffmpeg for a run into `dir` (created here).
    pub async fn spawn(
        dir: &Path,
        renditions: &[Rendition],
        audio: bool,
    ) -> std::io::Result<Packager> {
        tokio::fs::create_dir_all(dir).await?;
        let mut child = Command::new("ffmpeg")
            .args(arguments(dir, renditions, audio))
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
        Ok(Packager { child, stdin })
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
    }

    /// Reaps an ffmpeg that has died.
    pub async fn reap(mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passthrough_copies_one_rendition() {
        let args = arguments(Path::new("/m/show/run-1"), &[Rendition::Source], true);
        let line = args.join(" ");
        assert!(line.contains("-map 0:v:0 -map 0:a:0 -c:a copy -c:v:0 copy"));
        assert!(line.contains("-var_stream_map v:0,a:0,name:src"));
        assert!(!line.contains("libx264"));
        assert!(line.ends_with("/m/show/run-1/%v/index.m3u8"));
    }

    #[test]
    fn the_lower_rendition_is_encoded_and_keeps_the_audio() {
        let args = arguments(
            Path::new("/m/show/run-1"),
            &[Rendition::Source, Rendition::P360],
            true,
        );
        let line = args.join(" ");
        assert!(line.contains("-map [v360] -map 0:a:0"));
        assert!(line.contains("v:0,a:0,name:src v:1,a:1,name:360p"));
        assert!(line.contains("-c:v:1 libx264"));
    }

    #[test]
    fn a_silent_encoder_maps_no_audio() {
        let args = arguments(Path::new("/m"), &[Rendition::Source], false);
        assert!(!args.join(" ").contains("a:0"));
    }
}
