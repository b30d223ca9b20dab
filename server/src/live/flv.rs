//! FLV, the container ffmpeg reads on its stdin: RTMP audio and video messages
//! already carry FLV tag bodies, so muxing is a header plus an 11-byte tag
//! header and a trailing size per message.
//!
//! [`Feed`] decides what each packager run gets: the sequence headers first
//! (ffmpeg cannot decode without them, and a restarted ffmpeg has never seen
//! them), then nothing until a video keyframe (a run must start with a picture
//! it can decode), with timestamps rebased so that each run starts at 0.

/// FLV tag type of audio.
const AUDIO: u8 = 8;
/// FLV tag type of video.
const VIDEO: u8 = 9;
/// FLV video codec id of H.264.
const CODEC_AVC: u8 = 7;
/// FLV sound format of AAC.
const FORMAT_AAC: u8 = 10;

/// One RTMP media message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Audio (FLV tag type 8).
    Audio,
    /// Video (FLV tag type 9).
    Video,
}

/// The FLV stream header, announcing which kinds of tags follow.
pub fn header(audio: bool, video: bool) -> Vec<u8> {
    let flags = (u8::from(audio) << 2) | u8::from(video);
    let mut out = b"FLV\x01".to_vec();
    out.push(flags);
    out.extend_from_slice(&9u32.to_be_bytes());
    // PreviousTagSize0.
    out.extend_from_slice(&0u32.to_be_bytes());
    out
}

/// One FLV tag with its trailing PreviousTagSize, appended to `out`.
pub fn tag(out: &mut Vec<u8>, kind: Kind, timestamp_ms: u32, body: &[u8]) {
    let kind = match kind {
        Kind::Audio => AUDIO,
        Kind::Video => VIDEO,
    };
    let size = u32::try_from(body.len()).expect("an RTMP message is far below 4 GiB");
    out.push(kind);
    out.extend_from_slice(&size.to_be_bytes()[1..]);
    // The timestamp is 24 bits plus an 8-bit extension holding the high byte.
    out.extend_from_slice(&timestamp_ms.to_be_bytes()[1..]);
    out.push(timestamp_ms.to_be_bytes()[0]);
    // Stream id, always 0.
    out.extend_from_slice(&[0, 0, 0]);
    out.extend_from_slice(body);
    out.extend_from_slice(&(size + 11).to_be_bytes());
}

/// Whether a video body is the AVC decoder configuration (sequence header).
pub fn is_avc_sequence_header(body: &[u8]) -> bool {
    body.len() >= 2 && body[0] & 0x0f == CODEC_AVC && body[1] == 0
}

/// Whether an audio body is the AAC AudioSpecificConfig (sequence header).
pub fn is_aac_sequence_header(body: &[u8]) -> bool {
    body.len() >= 2 && body[0] >> 4 == FORMAT_AAC && body[1] == 0
}

/// Whether a video body is a keyframe.
pub fn is_keyframe(body: &[u8]) -> bool {
    body.first().is_some_and(|b| b >> 4 == 1)
}

/// The RFC 6381 codec of an AVC sequence header (`avc1.PPCCLL`): profile,
/// constraint flags and level are bytes 1..4 of the AVCDecoderConfigurationRecord,
/// which starts after the 5-byte FLV video header.
pub fn avc_codec(sequence_header: &[u8]) -> Option<String> {
    let record = sequence_header.get(5..9)?;
    Some(format!(
        "avc1.{:02x}{:02x}{:02x}",
        record[1], record[2], record[3]
    ))
}

/// The RFC 6381 codec of an AAC sequence header (`mp4a.40.<object type>`): the
/// audio object type is the first 5 bits of the AudioSpecificConfig, after the
/// 2-byte FLV audio header.
pub fn aac_codec(sequence_header: &[u8]) -> Option<String> {
    let object_type = sequence_header.get(2)? >> 3;
    Some(format!("mp4a.40.{object_type}"))
}

/// What one packager run is fed, from the messages of one encoder connection.
#[derive(Debug, Default)]
pub struct Feed {
    avc_header: Option<Vec<u8>>,
    aac_header: Option<Vec<u8>>,
    /// The encoder timestamp that is 0 in the current run; `None` until the
    /// run's first keyframe.
    base: Option<u32>,
}

impl Feed {
    /// Starts over for a new run: the next bytes are a new FLV stream, which
    /// begins at the next keyframe.
    pub fn restart(&mut self) {
        self.base = None;
    }

    /// Whether the current run has been given its first keyframe.
    pub fn started(&self) -> bool {
        self.base.is_some()
    }

    /// The codecs seen so far (video, audio), for the master playlist.
    pub fn codecs(&self) -> (Option<String>, Option<String>) {
        (
            self.avc_header.as_deref().and_then(avc_codec),
            self.aac_header.as_deref().and_then(aac_codec),
        )
    }

    /// The FLV bytes for one encoder message, empty while waiting for a keyframe.
    /// A run's first bytes are the FLV header and the sequence headers.
    pub fn push(&mut self, kind: Kind, timestamp_ms: u32, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let header_only = match kind {
            Kind::Video if is_avc_sequence_header(body) => {
                self.avc_header = Some(body.to_vec());
                true
            }
            Kind::Audio if is_aac_sequence_header(body) => {
                self.aac_header = Some(body.to_vec());
                true
            }
            _ => false,
        };
        let base = match self.base {
            Some(base) => base,
            // Sequence headers are kept and written when the run starts.
            None if header_only => return out,
            None if kind == Kind::Video && is_keyframe(body) => {
                self.base = Some(timestamp_ms);
                out = header(self.aac_header.is_some(), true);
                if let Some(avc) = &self.avc_header {
                    tag(&mut out, Kind::Video, 0, avc);
                }
                if let Some(aac) = &self.aac_header {
                    tag(&mut out, Kind::Audio, 0, aac);
                }
                timestamp_ms
            }
            None => return out,
        };
        // Audio captured just before the keyframe may carry an earlier time; it
        // plays at the start rather than wrapping to 49 days.
        let rebased = if timestamp_ms >= base {
            timestamp_ms - base
        } else if base - timestamp_ms > u32::MAX / 2 {
            // The encoder's clock wrapped past 2^32 ms.
            timestamp_ms.wrapping_sub(base)
        } else {
            0
        };
        tag(&mut out, kind, rebased, body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AVC_HEADER: [u8; 9] = [0x17, 0, 0, 0, 0, 1, 0x64, 0x00, 0x1f];
    const AAC_HEADER: [u8; 4] = [0xaf, 0, 0x12, 0x10];
    const KEYFRAME: [u8; 6] = [0x17, 1, 0, 0, 0, 0xaa];
    const INTER: [u8; 6] = [0x27, 1, 0, 0, 0, 0xbb];
    const AUDIO_FRAME: [u8; 3] = [0xaf, 1, 0xcc];

    /// Splits an FLV stream (after its header) into (type, timestamp, body).
    fn tags(mut bytes: &[u8]) -> Vec<(u8, u32, Vec<u8>)> {
        let mut out = Vec::new();
        while bytes.len() >= 15 {
            let size = u32::from_be_bytes([0, bytes[1], bytes[2], bytes[3]]) as usize;
            let ts = u32::from_be_bytes([bytes[7], bytes[4], bytes[5], bytes[6]]);
            out.push((bytes[0], ts, bytes[11..11 + size].to_vec()));
            let previous = u32::from_be_bytes(bytes[11 + size..15 + size].try_into().unwrap());
            assert_eq!(previous as usize, size + 11);
            bytes = &bytes[15 + size..];
        }
        assert!(bytes.is_empty());
        out
    }

    #[test]
    fn header_announces_audio_and_video() {
        assert_eq!(header(true, true), b"FLV\x01\x05\0\0\0\x09\0\0\0\0");
        assert_eq!(header(false, true)[4], 1);
    }

    #[test]
    fn a_run_starts_at_a_keyframe_with_the_sequence_headers_at_zero() {
        let mut feed = Feed::default();
        assert!(feed.push(Kind::Video, 1000, &AVC_HEADER).is_empty());
        assert!(feed.push(Kind::Audio, 1000, &AAC_HEADER).is_empty());
        assert!(feed.push(Kind::Video, 1040, &INTER).is_empty());
        let first = feed.push(Kind::Video, 1080, &KEYFRAME);
        assert_eq!(&first[..13], &header(true, true)[..]);
        let got = tags(&first[13..]);
        assert_eq!(
            got,
            vec![
                (9, 0, AVC_HEADER.to_vec()),
                (8, 0, AAC_HEADER.to_vec()),
                (9, 0, KEYFRAME.to_vec()),
            ]
        );
        let next = tags(&feed.push(Kind::Audio, 1100, &AUDIO_FRAME));
        assert_eq!(next, vec![(8, 20, AUDIO_FRAME.to_vec())]);
    }

    #[test]
    fn a_restarted_run_gets_the_headers_again_and_waits_for_a_keyframe() {
        let mut feed = Feed::default();
        feed.push(Kind::Video, 0, &AVC_HEADER);
        feed.push(Kind::Audio, 0, &AAC_HEADER);
        feed.push(Kind::Video, 0, &KEYFRAME);
        feed.restart();
        assert!(feed.push(Kind::Video, 5040, &INTER).is_empty());
        assert!(feed.push(Kind::Audio, 5050, &AUDIO_FRAME).is_empty());
        let again = feed.push(Kind::Video, 6000, &KEYFRAME);
        let got = tags(&again[13..]);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (9, 0, AVC_HEADER.to_vec()));
        assert_eq!(got[2], (9, 0, KEYFRAME.to_vec()));
        // Audio a little older than the keyframe plays at 0 instead of wrapping.
        assert_eq!(tags(&feed.push(Kind::Audio, 5990, &AUDIO_FRAME))[0].1, 0);
    }

    #[test]
    fn timestamps_above_24_bits_use_the_extension_byte() {
        let mut out = Vec::new();
        tag(&mut out, Kind::Video, 0x0123_4567, &INTER);
        assert_eq!(tags(&out)[0].1, 0x0123_4567);
    }

    #[test]
    fn codecs_come_from_the_sequence_headers() {
        assert_eq!(avc_codec(&AVC_HEADER).as_deref(), Some("avc1.64001f"));
        assert_eq!(aac_codec(&AAC_HEADER).as_deref(), Some("mp4a.40.2"));
    }
}
