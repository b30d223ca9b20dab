"""The "Live video" section of BENCHMARKS.md, from target/e2e/metrics.json: what
e2e/live.test.mjs (`./x test`) and e2e/live.bench.mjs (`./x bench`) measured.
Run alone (`python3 scripts/live_report.py`) it prints just that section."""
import json
import os

# The player's share of the viewer's wasm, measured by building the viewer with and without
# src/browser/hls/ (gzip -9 of the release wasm; see the section's text).
PLAYER_GZIP = {"before": 363_616, "after": 385_663, "js_glue_added": 1_323, "date": "2026-12-03"}


def gz_kib(path):
    import gzip
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 9)) / 1024


def live_section(metrics):
    print("## Live video\n")
    added = (PLAYER_GZIP["after"] - PLAYER_GZIP["before"] + PLAYER_GZIP["js_glue_added"]) / 1024
    print("**Player size.** The viewer plays CMAF HLS itself (`src/browser/hls/`, Media Source Extensions driven "
          f"from Rust). It adds {added:.1f} KiB gzip to the viewer (wasm {PLAYER_GZIP['before']:,} → "
          f"{PLAYER_GZIP['after']:,} B gzip -9, JS glue +{PLAYER_GZIP['js_glue_added']:,} B; measured on "
          f"{PLAYER_GZIP['date']} by building the viewer with and without it, when it was added; the hls.js hand-over "
          "and the per-frame programme clock came after it), against a budget of 25 KiB.", end=" ")
    rows = []
    for name in ("hls.light.min.js", "hls.min.js"):
        path = f"node_modules/hls.js/dist/{name}"
        if os.path.exists(path):
            rows.append(f"`{name}` {gz_kib(path):.1f} KiB")
    if rows:
        print(f"hls.js, pinned in package.json, is {' and '.join(rows)} gzip: it loads only for a provider's "
              "MPEG-TS stream, never in the first payload.\n")
    else:
        print("\n")
    playback = metrics.get("live_playback")
    sync = metrics.get("tag_sync")
    if playback or sync:
        print("**In the end-to-end run** (`e2e/live.test.mjs`, headless Chromium, the server and a real ffmpeg "
              "publishing the demo clip over RTMP on loopback):\n")
        print("| what | figure |\n|---|---:|")
        if playback:
            print(f"| time to the first frame (navigation → playing live) | {playback['first_frame_ms']} ms |")
            print(f"| frame reaches the server → shown, p50 / p95 (20 samples) | "
                  f"{playback['server_to_screen_ms_p50']} / {playback['server_to_screen_ms_p95']} ms |")
            if "frames_never_shown_in_20_s" in playback:
                print(f"| frames never shown (nor counted dropped) in those 20 s | "
                      f"{playback['frames_never_shown_in_20_s']} |")
        if sync:
            behind = " and ".join(f"{d / 1000:.1f} s" for d in sync["viewers_ms_behind"])
            errors = " and ".join(f"{e} ms" for e in sync["error_ms"])
            print(f"| tag sync error, two viewers {behind} behind | {errors} |")
        print()
    bench = metrics.get("live_bench")
    if not bench:
        print("The packaging and soak figures come from `./x bench` (`e2e/live.bench.mjs`); not run yet.\n")
        return
    soak = bench.get("soak")
    if soak:
        print(f"**Soak** (`e2e/live.bench.mjs`): one viewer watching for {soak['minutes']:g} minutes.\n")
        print("| what | figure |\n|---|---:|")
        print(f"| time to the first frame | {soak['first_frame_ms']} ms |")
        print(f"| stalls after the first frame | {soak['stalls']} |")
        print(f"| frame reaches the server → shown, p50 / p95 | {soak['server_to_screen_ms_p50']} / "
              f"{soak['server_to_screen_ms_p95']} ms |")
        print(f"| tag sync error over {soak['tags']} tags, p50 / p95 / max | {soak['tag_error_ms_p50']} / "
              f"{soak['tag_error_ms_p95']} / {soak['tag_error_ms_max']} ms |")
        errors = soak.get("tag_errors_ms", [])
        if errors:
            on_time = sum(1 for e in errors if abs(e) <= 50)
            print(f"| tags within one frame budget (±50 ms) | {on_time} of {len(errors)} |")
        if "frames_never_shown" in soak:
            print(f"| frames never shown (nor counted dropped) / dropped by the player / frame callbacks "
                  f"skipped | {soak['frames_never_shown']} / {soak['frames_dropped']} / "
                  f"{soak['frame_callbacks_skipped']} |")
        if soak.get("stalls_at_s"):
            at = ", ".join(f"{s} s" for s in soak["stalls_at_s"])
            print(f"| stalls, seconds after the first frame | {at} |")
        print()
        print("Tag sync error: the programme time of the frame on screen when the tag appeared, minus the tag's. "
              "A tag shows on the frame whose interval holds its time, so a frame that starts up to one frame "
              "interval (42 ms at 24 fps) before it is on time; later means the frame it belongs to was not shown. "
              "Frames never shown: steps of the presented frames' media time longer than the frames presented "
              "and dropped between them account for.\n")
        print("Glass to glass: the programme clock is the time a frame reaches the server, so \"reaches the server → "
              "shown\" is glass to glass less the encoder's own delay and the network to the server (about nothing "
              "here: ffmpeg copies a file on loopback; OBS with `zerolatency` adds its encode time, tens of ms). "
              "The target with 1 s segments is ≤ 4 s at p50. \"Glass to glass\" below measures it from the encoder's "
              "own clock.\n")
    rows = [(label, bench.get(f"packager_{key}")) for label, key in
            (("passthrough (copy)", "passthrough"), ("with the 360p rendition", "with_360p"))]
    rows = [(label, figures) for label, figures in rows if figures]
    if rows:
        print("**One packaging ffmpeg** (Debian ffmpeg, the demo clip: 540×960, 24 fps, ~500 kbit/s), sampled from "
              "/proc once it runs:\n")
        print("| mode | CPU (% of one core) | memory (RSS, max) | over |\n|---|---:|---:|---:|")
        for label, figures in rows:
            print(f"| {label} | {figures['cpu_percent_of_one_core']} % | {figures['rss_mib_max']} MiB | "
                  f"{figures['seconds']} s |")
        print()


if __name__ == "__main__":
    live_section(json.load(open("target/e2e/metrics.json")))
