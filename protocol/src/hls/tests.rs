//! The parser against real playlists kept as fixtures in `protocol/tests/playlists/`:
//! ffmpeg's own output, the specification's low-latency example, Apple-style master
//! playlists and provider-style MPEG-TS and byte-range playlists.
use super::*;

fn fixture(name: &str) -> &'static str {
    match name {
        "ffmpeg-fmp4-media" => include_str!("../../tests/playlists/ffmpeg-fmp4-media.m3u8"),
        "ffmpeg-fmp4-vod" => include_str!("../../tests/playlists/ffmpeg-fmp4-vod.m3u8"),
        "ffmpeg-master" => include_str!("../../tests/playlists/ffmpeg-master.m3u8"),
        "ffmpeg-master-subtitles" => {
            include_str!("../../tests/playlists/ffmpeg-master-subtitles.m3u8")
        }
        "ffmpeg-subtitles-media" => {
            include_str!("../../tests/playlists/ffmpeg-subtitles-media.m3u8")
        }
        "ffmpeg-master-two" => {
            include_str!("../../tests/playlists/ffmpeg-master-two-renditions.m3u8")
        }
        "apple-ll-hls" => include_str!("../../tests/playlists/apple-ll-hls-media.m3u8"),
        "apple-master" => include_str!("../../tests/playlists/apple-master-with-media-groups.m3u8"),
        "provider-ts" => include_str!("../../tests/playlists/provider-ts-discontinuity.m3u8"),
        "provider-byterange" => include_str!("../../tests/playlists/provider-byterange.m3u8"),
        other => panic!("no fixture {other}"),
    }
}

fn media(name: &str) -> MediaPlaylist {
    match parse(fixture(name)).unwrap() {
        Playlist::Media(m) => m,
        Playlist::Master(_) => panic!("{name} is a master playlist"),
    }
}

fn master(name: &str) -> MasterPlaylist {
    match parse(fixture(name)).unwrap() {
        Playlist::Master(m) => m,
        Playlist::Media(_) => panic!("{name} is a media playlist"),
    }
}

#[test]
fn ffmpeg_live_fmp4_playlist_with_date_time_after_extinf() {
    let p = media("ffmpeg-fmp4-media");
    assert_eq!((p.version, p.target_duration, p.media_sequence), (7, 1, 1));
    assert!(p.independent_segments && p.ended);
    assert_eq!(p.segments.len(), 5);
    let first = &p.segments[0];
    assert_eq!(first.uri, "live1.m4s");
    assert_eq!(first.duration, 1.0);
    assert_eq!(first.map.as_ref().unwrap().uri, "init.mp4");
    // ffmpeg writes the zone as +0000 and the tag after EXTINF.
    assert_eq!(
        first.program_date_time,
        date_time("2026-12-03T06:28:40.290Z")
    );
    assert_eq!(
        p.segments[4].program_date_time.unwrap() - first.program_date_time.unwrap(),
        4_000
    );
    assert_eq!(p.sequence_of(4), 5);
}

#[test]
fn ffmpeg_vod_rendition() {
    let p = media("ffmpeg-fmp4-vod");
    assert_eq!(p.kind, Some(PlaylistKind::Vod));
    assert!(p.ended);
    assert_eq!(p.segments.len(), 3);
    assert!(p.segments.iter().all(|s| s.program_date_time.is_none()));
    assert_eq!(p.duration(), 3.0);
}

#[test]
fn ffmpeg_master_playlists() {
    let one = master("ffmpeg-master");
    assert_eq!(one.variants.len(), 1);
    assert_eq!(
        one.variants[0].codecs.as_deref(),
        Some("avc1.42c00d,mp4a.40.2")
    );
    assert_eq!(one.variants[0].resolution, Some((320, 240)));
    let two = master("ffmpeg-master-two");
    let uris: Vec<_> = two.variants.iter().map(|v| v.uri.as_str()).collect();
    assert_eq!(uris, ["v0/index.m3u8", "v1/index.m3u8"]);
    assert_eq!(two.variants[1].resolution, Some((320, 180)));
}

#[test]
fn low_latency_full_segments_are_kept_with_their_clock() {
    let p = media("apple-ll-hls");
    assert_eq!(p.media_sequence, 266);
    let uris: Vec<_> = p.segments.iter().map(|s| s.uri.as_str()).collect();
    assert_eq!(uris.len(), 6, "{uris:?}");
    assert_eq!(uris[5], "fileSequence271.mp4");
    assert!((p.segments[0].duration - 4.00008).abs() < 1e-9);
    // The clock runs on from the one date-time by durations (rounded per segment).
    assert_eq!(
        p.segments[0].program_date_time,
        date_time("2019-02-14T02:13:36.106Z")
    );
    assert_eq!(
        p.segments[5].program_date_time.unwrap() - p.segments[0].program_date_time.unwrap(),
        20_000
    );
    assert!(!p.ended);
}

#[test]
fn low_latency_tags_are_read() {
    let p = media("apple-ll-hls");
    assert_eq!(
        p.server_control,
        Some(ServerControl {
            can_block_reload: true,
            can_skip_until: Some(12.0),
            hold_back: None,
            part_hold_back: Some(1.0),
        })
    );
    assert!((p.part_target.unwrap() - 0.33334).abs() < 1e-9);
    // The last whole segment lists its twelve parts; earlier ones list none.
    assert!(p.segments[..5].iter().all(|s| s.parts.is_empty()));
    let parts = &p.segments[5].parts;
    assert_eq!(parts.len(), 12);
    assert_eq!(parts[0].uri, "filePart271.0.mp4");
    let independent: Vec<usize> = (0..12).filter(|&i| parts[i].independent).collect();
    assert_eq!(independent, [4, 8]);
    // The open segment: three parts so far, its own date-time, the init section.
    let open = p.open_segment.as_ref().expect("an open segment");
    assert_eq!(open.uri, "");
    assert_eq!(open.parts.len(), 3);
    assert!((open.duration - 3.0 * 0.33334).abs() < 1e-9);
    assert_eq!(
        open.program_date_time,
        date_time("2019-02-14T02:14:00.106Z")
    );
    assert_eq!(open.map.as_ref().map(|m| m.uri.as_str()), Some("init.mp4"));
    assert_eq!(p.next_sequence(), 272);
    assert_eq!(
        p.preload_hint,
        Some(PreloadHint {
            kind: HintKind::Part,
            uri: "filePart273.d.mp4".into(),
            byte_range_start: None,
            byte_range_length: None,
        })
    );
    assert_eq!(p.rendition_reports.len(), 2);
    assert_eq!(p.rendition_reports[1].uri, "../4M/waitForMSN.php");
    assert_eq!(
        (
            p.rendition_reports[1].last_msn,
            p.rendition_reports[1].last_part
        ),
        (Some(273), Some(1))
    );
}

/// A live low-latency playlist as the server writes it, with a delta update.
fn low_latency_live(skipped: u64) -> MediaPlaylist {
    let map = Some(Map {
        uri: "run-1/init.mp4".into(),
        byte_range: None,
    });
    let part = |seq: u64, n: u32, independent| Part {
        uri: format!("run-1/seg-{seq:05}.{n}.m4s"),
        duration: 0.25,
        independent,
        ..Part::default()
    };
    let parts = |seq| (0..4).map(|n| part(seq, n, n == 0)).collect::<Vec<_>>();
    let segment = |seq: u64| Segment {
        uri: format!("run-1/seg-{seq:05}.m4s"),
        duration: 1.0,
        program_date_time: Some(1_700_000_000_000 + seq as i64 * 1000),
        map: map.clone(),
        parts: if seq >= 8 { parts(seq) } else { Vec::new() },
        ..Segment::default()
    };
    MediaPlaylist {
        version: 9,
        target_duration: 1,
        media_sequence: 1,
        independent_segments: true,
        segments: (1 + skipped..=9).map(segment).collect(),
        part_target: Some(0.25),
        server_control: Some(ServerControl {
            can_block_reload: true,
            can_skip_until: Some(6.0),
            hold_back: None,
            part_hold_back: Some(0.75),
        }),
        skipped_segments: skipped,
        open_segment: Some(Segment {
            program_date_time: Some(1_700_000_010_000),
            map: map.clone(),
            parts: vec![part(10, 0, true), part(10, 1, false)],
            duration: 0.5,
            ..Segment::default()
        }),
        preload_hint: Some(PreloadHint {
            uri: "run-1/seg-00010.2.m4s".into(),
            ..PreloadHint::default()
        }),
        rendition_reports: vec![RenditionReport {
            uri: "../360p/live.m3u8".into(),
            last_msn: Some(10),
            last_part: Some(1),
        }],
        ..MediaPlaylist::default()
    }
}

#[test]
fn a_low_latency_playlist_reads_back_as_written() {
    for skipped in [0, 5] {
        let p = low_latency_live(skipped);
        let text = p.render();
        match parse(&text).unwrap() {
            Playlist::Media(back) => assert_eq!(back, p, "{text}"),
            Playlist::Master(_) => panic!("a media playlist"),
        }
        assert_eq!(p.next_sequence(), 10);
    }
    let delta = low_latency_live(5).render();
    assert!(delta.contains("#EXT-X-VERSION:9\n"));
    assert!(delta.contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=5\n"));
    assert!(!delta.contains("seg-00005.m4s"));
}

#[test]
fn parts_byte_ranges_follow_each_other() {
    let text = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PART-INF:PART-TARGET=0.5\n\
        #EXT-X-PART:DURATION=0.5,URI=\"s.mp4\",BYTERANGE=\"100@0\",INDEPENDENT=YES\n\
        #EXT-X-PART:DURATION=0.5,URI=\"s.mp4\",BYTERANGE=\"50\"\n\
        #EXT-X-PART:DURATION=0.5,URI=\"t.mp4\",GAP=YES\n";
    let Playlist::Media(p) = parse(text).unwrap() else {
        panic!("a media playlist")
    };
    let parts = &p.open_segment.unwrap().parts;
    assert_eq!(
        parts[1].byte_range,
        Some(ByteRange {
            offset: 100,
            length: 50
        })
    );
    assert!(parts[2].gap);
    assert!(matches!(
        parse("#EXTM3U\n#EXT-X-PART:URI=\"a.mp4\"\n"),
        Err(HlsError::Bad { line: 2, .. })
    ));
}

#[test]
fn master_with_media_groups_and_iframe_playlists() {
    let m = master("apple-master");
    assert_eq!(
        m.variants.len(),
        3,
        "I-frame playlists are not renditions to play"
    );
    let v = &m.variants[1];
    assert_eq!(v.uri, "v9/prog_index.m3u8");
    assert_eq!(v.bandwidth, 8_001_098);
    assert_eq!(v.average_bandwidth, Some(7_968_416));
    assert_eq!(v.resolution, Some((1920, 1080)));
    assert_eq!(v.codecs.as_deref(), Some("avc1.64002a,mp4a.40.2"));
    assert_eq!(v.frame_rate, Some(60.0));
    assert_eq!(
        m.variants[2].uri,
        "https://cdn.example.com/v4/prog_index.m3u8"
    );
}

#[test]
fn provider_ts_with_discontinuities_gap_and_zone_offsets() {
    let p = media("provider-ts");
    assert_eq!((p.media_sequence, p.discontinuity_sequence), (4012, 7));
    let flags: Vec<_> = p
        .segments
        .iter()
        .map(|s| (s.discontinuity, s.gap))
        .collect();
    assert_eq!(
        flags,
        [
            (false, false),
            (false, false),
            (true, false),
            (false, true),
            (true, false)
        ]
    );
    assert_eq!(p.segments[0].title, "live");
    assert_eq!(
        p.segments[0].uri,
        "https://video.example.net/stream/abc/4012.ts?token=x%20y"
    );
    // +07:00 is seven hours ahead of UTC.
    assert_eq!(
        p.segments[0].program_date_time,
        date_time("2026-11-30T05:00:00Z")
    );
    assert_eq!(
        p.segments[2].program_date_time.unwrap() - p.segments[0].program_date_time.unwrap(),
        12_012
    );
    // A date-time after the break resets the clock.
    assert_eq!(
        p.segments[4].program_date_time,
        date_time("2026-11-30T05:00:25Z")
    );
    assert!(p.segments.iter().all(|s| s.map.is_none()));
}

#[test]
fn byte_ranges_follow_each_other_and_the_map_has_its_own() {
    let p = media("provider-byterange");
    assert_eq!(p.kind, Some(PlaylistKind::Event));
    let ranges: Vec<_> = p
        .segments
        .iter()
        .map(|s| s.byte_range.map(|r| (r.offset, r.length)).unwrap())
        .collect();
    assert_eq!(
        ranges,
        [(720, 100_000), (100_720, 95_000), (195_720, 70_000)]
    );
    let map = p.segments[0].map.as_ref().unwrap();
    assert_eq!(
        map.byte_range,
        Some(ByteRange {
            offset: 0,
            length: 720
        })
    );
    assert_eq!(
        p.segments[0].byte_range.unwrap().header(),
        "bytes=720-100719"
    );
}

#[test]
fn render_then_parse_is_the_same_playlist() {
    for name in [
        "ffmpeg-fmp4-media",
        "provider-ts",
        "provider-byterange",
        "apple-ll-hls",
    ] {
        let p = media(name);
        let again = match parse(&p.render()).unwrap() {
            Playlist::Media(m) => m,
            Playlist::Master(_) => unreachable!(),
        };
        assert_eq!(again.segments, p.segments, "{name}");
        assert_eq!(
            (
                again.media_sequence,
                again.discontinuity_sequence,
                again.ended,
                again.kind
            ),
            (p.media_sequence, p.discontinuity_sequence, p.ended, p.kind),
            "{name}"
        );
    }
    let m = master("apple-master");
    match parse(&m.render()).unwrap() {
        Playlist::Master(again) => assert_eq!(again, m),
        Playlist::Media(_) => unreachable!(),
    }
}

#[test]
fn a_discontinuity_with_a_new_map_is_written_once_per_run() {
    let map = |uri: &str| {
        Some(Map {
            uri: uri.into(),
            byte_range: None,
        })
    };
    let seg = |uri: &str, m: &str, discontinuity, at| Segment {
        uri: uri.into(),
        duration: 1.0,
        map: map(m),
        discontinuity,
        program_date_time: Some(at),
        ..Segment::default()
    };
    let p = MediaPlaylist {
        target_duration: 1,
        segments: vec![
            seg("run-1/a.m4s", "run-1/init.mp4", false, 1_000),
            seg("run-1/b.m4s", "run-1/init.mp4", false, 2_000),
            seg("run-2/a.m4s", "run-2/init.mp4", true, 9_000),
        ],
        ..MediaPlaylist::default()
    };
    let text = p.render();
    assert_eq!(text.matches("#EXT-X-MAP").count(), 2, "{text}");
    let discontinuity = text.find("#EXT-X-DISCONTINUITY\n").unwrap();
    assert!(discontinuity < text.find("run-2/init.mp4").unwrap());
    assert!(text.contains("#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:09.000Z"));
}

#[test]
fn bad_input_is_refused_with_the_line() {
    assert_eq!(parse("hello"), Err(HlsError::NotAPlaylist));
    assert_eq!(parse(""), Err(HlsError::NotAPlaylist));
    assert!(matches!(
        parse("#EXTM3U\n#EXTINF:abc,\nx.ts"),
        Err(HlsError::Bad { line: 2, .. })
    ));
    assert!(matches!(
        parse("#EXTM3U\n#EXT-X-TARGETDURATION:2\nx.ts"),
        Err(HlsError::Bad { line: 3, .. })
    ));
    assert!(matches!(
        parse("#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:yesterday\n"),
        Err(HlsError::Bad { line: 2, .. })
    ));
}

#[test]
fn date_times_round_trip_and_zones_apply() {
    for at in [
        0,
        1_764_748_800_123,
        951_782_400_000, /* 2000-02-29 */
        -86_400_000,
    ] {
        assert_eq!(date_time(&format_date_time(at)), Some(at), "{at}");
    }
    assert_eq!(
        format_date_time(951_782_400_000),
        "2000-02-29T00:00:00.000Z"
    );
    assert_eq!(
        date_time("2026-12-03T13:28:40.29+07:00"),
        date_time("2026-12-03T06:28:40.290Z")
    );
    assert_eq!(date_time("2026-12-03T06:28:40Z"), Some(1_796_279_320_000));
    assert_eq!(date_time("2026-13-03T06:28:40Z"), None);
    assert_eq!(date_time("2026-12-03 06:28:40"), None);
}

#[test]
fn uris_resolve_against_the_playlist() {
    let base = "https://cdn.example.com/hls/show/master.m3u8?token=1";
    assert_eq!(
        resolve(base, "src/live.m3u8"),
        "https://cdn.example.com/hls/show/src/live.m3u8"
    );
    assert_eq!(
        resolve(base, "../other/x.ts"),
        "https://cdn.example.com/hls/other/x.ts"
    );
    assert_eq!(
        resolve(base, "/abs/x.ts"),
        "https://cdn.example.com/abs/x.ts"
    );
    assert_eq!(
        resolve(base, "//edge.example.net/x.ts"),
        "https://edge.example.net/x.ts"
    );
    assert_eq!(
        resolve(base, "https://o.example/x.ts"),
        "https://o.example/x.ts"
    );
    assert_eq!(
        resolve("/hls/demo/master.m3u8", "src/live.m3u8"),
        "/hls/demo/src/live.m3u8"
    );
    assert_eq!(
        resolve("http://127.0.0.1:8080/a.m3u8", "b.m4s"),
        "http://127.0.0.1:8080/b.m4s"
    );
}

#[test]
fn ffmpeg_subtitle_rendition_and_its_webvtt_segments() {
    let m = master("ffmpeg-master-subtitles");
    assert_eq!(
        m.subtitles,
        vec![Subtitles {
            uri: "vEnglish_vtt.m3u8".into(),
            group: "subs".into(),
            name: "subtitle_0".into(),
            language: Some("en".into()),
            default: true,
        }]
    );
    assert_eq!(m.variants[0].subtitles.as_deref(), Some("subs"));
    // The writer keeps them: a master playlist read back is the same.
    assert_eq!(parse(&m.render()).unwrap(), Playlist::Master(m));
    let subs = media("ffmpeg-subtitles-media");
    let uris: Vec<_> = subs.segments.iter().map(|s| s.uri.as_str()).collect();
    assert_eq!(uris, ["vEnglish0.vtt", "vEnglish1.vtt", "vEnglish2.vtt"]);
    let first =
        crate::vtt::parse(include_str!("../../tests/media/ffmpeg-subtitles-0.vtt")).unwrap();
    assert_eq!(first.cues[0].text, "Welcome to the show!");
    assert_eq!((first.cues[0].start_ms, first.cues[0].end_ms), (700, 2200));
}

#[test]
fn audio_groups_and_closed_captions_are_not_subtitles() {
    let m = master("apple-master");
    assert!(m.subtitles.is_empty());
    assert!(m.variants.iter().all(|v| v.subtitles.is_none()));
}

#[test]
fn ffmpeg_fmp4_timing() {
    let scales = fmp4::timescales(include_bytes!("../../tests/media/ffmpeg-init.mp4"));
    assert_eq!(scales, vec![(1, 10_240)]);
    let second = include_bytes!("../../tests/media/ffmpeg-segment-1.m4s");
    // The second 1 s segment starts at 1 s of the track's decode time.
    assert_eq!(fmp4::start_seconds(second, &scales), Some(1.0));
}
