"""The "Glass to glass" section of BENCHMARKS.md, from target/e2e/metrics.json: what
e2e/glass.bench.mjs (`./x bench`) measured, LL-HLS and plain HLS side by side.
Run alone (`python3 scripts/glass_report.py`) it prints just that section."""
import json

MODES = (("ll", "low latency"), ("plain", "plain HLS"))


def ms(figures, key="p50"):
    return "–" if not figures else f"{figures[key]:,}"


def pair(figures, a="p50", b="p95"):
    return "–" if not figures else f"{figures[a]:,} / {figures[b]:,} ms"


def setting(figures):
    """What the mode's show file said: its added `[video]` line, or nothing (the server's default)."""
    return f"`{figures['video_line']}`" if figures.get("video_line") else "the show file as it is"


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def glass_section(metrics):
    bench = metrics.get("glass_bench")
    print("## Glass to glass\n")
    if not bench or not bench.get("modes"):
        print("Measured by `./x bench` (`e2e/glass.bench.mjs`); not run yet.\n")
        return
    modes = [(key, label, bench["modes"][key]) for key, label in MODES if key in bench["modes"]]
    settings = bench["settings"]
    print("A test encoder (`e2e/glass.mjs`) paints the wall-clock time at which it makes each frame into the "
          "frame as blocks, encodes it as a host's encoder would (x264 `zerolatency`, a keyframe every second, "
          "the demo clip's 540×960 picture at 24 fps) and publishes RTMP to the release server on loopback. Each viewer's page (headless "
          "Chromium, a phone-sized context) reads the blocks of every frame it shows in `requestVideoFrameCallback` "
          "and takes them from the time the browser expects that frame on screen: glass to glass, encoder, "
          "packager, player and display together, on one machine and one clock. Each column is a server of its "
          "own; its heading says the kind of playlist the server wrote.\n")
    for key, label, figures in modes:
        if figures.get("skipped"):
            print(f"Not measured: {label} ({setting(figures)}): {figures['skipped']}.\n")
    run = [(key, label, figures) for key, label, figures in modes if not figures.get("skipped")]
    if not run:
        return
    head = []
    for key, label, figures in run:
        head.append(f"{label} ({setting(figures)}): {figures['playlist']} playlists")
    print("| what | " + " | ".join(head) + " |")
    print("|---|" + "---:|" * len(head))

    def row(what, cell):
        cells = []
        for _, _, figures in run:
            try:
                cells.append(cell(figures))
            except (KeyError, TypeError):
                cells.append("–")
        print(f"| {what} | " + " | ".join(cells) + " |")

    soak_min = settings["soak_ms"] / 60000
    row(f"glass to glass over {soak_min:g} min, one viewer, p50 / p95", lambda f: pair(f["soak"]["glass_ms"]))
    row(f"per join ({settings['joins']} fresh page loads, {settings['join_ms'] / 1000:g} s each): p50, median / worst join",
        lambda f: f"{ms(f['joins']['glass_ms_p50_of_joins'])} / {ms(f['joins']['glass_ms_p50_of_joins'], 'max')} ms")
    row("per join: p95, median / worst join",
        lambda f: f"{ms(f['joins']['glass_ms_p95_of_joins'])} / {ms(f['joins']['glass_ms_p95_of_joins'], 'max')} ms")
    row("time to the first frame (navigation → first frame on screen), median / worst join",
        lambda f: f"{ms(f['joins']['first_frame_ms'])} / {ms(f['joins']['first_frame_ms'], 'max')} ms")
    row(f"one frame's display time across {settings['viewers']} viewers: spread p50 / p95 / max",
        lambda f: f"{ms(f['spread']['display_spread_ms'])} / {ms(f['spread']['display_spread_ms'], 'p95')} / "
                  f"{ms(f['spread']['display_spread_ms'], 'max')} ms ({f['spread']['frames_matched']:,} frames)")
    for side, what in (("near", "at the target delay"), ("far", f"held {settings['behind_ms'] / 1000:g} s behind")):
        row(f"tag sync error {what}, absolute: p50 / max (glass to glass meanwhile, p50)",
            lambda f, side=side: f"{pair(f['tags'][side]['abs'], 'p50', 'max')}, signed {min(f['tags'][side]['errors_ms'])} "
                                 f"to {max(f['tags'][side]['errors_ms'])} ms, over {plural(f['tags'][side]['abs']['n'], 'tag')} "
                                 f"({ms(f['tags'][side]['glass_ms'])} ms)")
    row(f"stalls after the first frame, {soak_min:g} min", lambda f: str(f["soak"]["stalls"]))
    row("frames the encoder made that never reached the screen / jumps ≥ 1 s",
        lambda f: f"{f['soak']['encoder_frames_lost']} / {len(f['soak']['jumps_ms'])}")
    row("frames never shown (player's timeline) / dropped by the player",
        lambda f: f"{f['soak']['frames_never_shown']} / {f['soak']['frames_dropped']}")
    row("frames whose code could not be read / read",
        lambda f: f"{f['soak']['frames_unread']} / {f['soak']['frames_read']:,}")

    def cost(f, i):
        p = f["cost"]["phases"][i]
        return f"{p['cpu_percent']} % ({p['rss_mib_max']} MiB)"
    row("server CPU (% of one core) and memory, no viewer", lambda f: cost(f, 0))
    row("… one viewer", lambda f: cost(f, 1))
    row(f"… {settings['viewers']} viewers", lambda f: cost(f, 2))
    row("server CPU per viewer-second (all it does for a viewer)",
        lambda f: f"{f['cost']['cpu_ms_per_viewer_second']} ms")
    row(f"playlist requests per viewer-second, {settings['viewers']} viewers",
        lambda f: f"{f['cost']['phases'][2]['playlist_requests'] / (settings['viewers'] * f['cost']['phases'][2]['seconds']):.2f}")
    row("server CPU per playlist request (upper bound: all viewer work over playlist requests)",
        lambda f: f"{f['cost']['cpu_ms_per_playlist_request']} ms")
    row("the packager's CPU (% of one core), no viewer", lambda f: f"{f['cost']['phases'][0]['packager_cpu_percent']} %")
    print()
    print("Glass to glass per frame: the frame's expected display time (`performance` time of "
          "`expectedDisplayTime` put on the wall clock) minus the time painted into it. Per join: each fresh page "
          "load's own p50 and p95 over its first seconds, then the median and the worst of those. Spread: frames "
          "that every viewer showed, matched by their painted time, latest display less earliest. Tag sync error: "
          "the programme time of the frame on screen when the tag appeared minus the pin's (one frame is 42 ms). "
          "Frames that never reached the screen: steps of the painted frame counter beyond the frames the "
          "browser presented between them; a step of a second or more (a jump to the live edge) counts as a "
          "jump. Server CPU: `/proc` of the server's process (its packaging ffmpeg apart), the pages' work for "
          "/hls and their WebSockets together; the pages run on the same machine.\n")
    if all(f.get("playlist") == "HLS" for _, _, f in run):
        print("The server wrote plain HLS playlists (no parts) in every run here.\n")


if __name__ == "__main__":
    glass_section(json.load(open("target/e2e/metrics.json")))
