"""The "Studio" section of BENCHMARKS.md: the studio's release transfer size
(dist-studio/, built by scripts/e2e.sh) and the host-facing delays the
end-to-end run measured (target/e2e/metrics.json, `studio` and `dashboard`).
Run alone (`python3 scripts/studio_report.py`) it prints just that section."""
import glob
import gzip
import json
import os


def studio_section(metrics):
    print("## Studio\n")
    rows = []
    for kind, pattern in [("wasm", "dist-studio/*.wasm"), ("JS", "dist-studio/*.js"),
                          ("CSS", "dist-studio/*.css"), ("HTML", "dist-studio/index.html")]:
        for path in sorted(glob.glob(pattern)):
            data = open(path, "rb").read()
            rows.append((kind, len(data), len(gzip.compress(data, 9))))
    if rows:
        print("The studio (`studio/`, a second Leptos CSR app that reuses the viewer's stream player for its "
              "preview) as `trunk build --release` makes it in `studio/` (the viewer's profile; file names carry "
              "content hashes):\n")
        print("| file | raw | gzip -9 |\n|---|---:|---:|")
        for kind, raw, gz in rows:
            print(f"| {kind} | {raw / 1024:.1f} KiB | {gz / 1024:.1f} KiB |")
        print(f"| **total** | {sum(r[1] for r in rows) / 1024:.1f} KiB | "
              f"**{sum(r[2] for r in rows) / 1024:.1f} KiB** |\n")
    studio = metrics.get("studio")
    if studio:
        print("**In the end-to-end run** (`e2e/studio.test.mjs`: a host at laptop size and a shopper on a phone, "
              "headless Chromium, the server live from a real ffmpeg):\n")
        print("| what | figure |\n|---|---:|")
        print(f"| sign-in → preview playing live | {studio['preview_live_ms']} ms |")
        print(f"| host's tap → the pin on the shopper's socket | {studio['tap_to_socket_ms']} ms |")
        if studio.get("tap_to_tag_ms") is not None:
            print(f"| host's tap → the tag on the shopper's screen (it waits for the shopper's picture to reach "
                  f"the tapped frame: the stream clock) | {studio['tap_to_tag_ms']} ms |")
        dashboard = metrics.get("dashboard")
        if dashboard:
            print(f"| the shopper's order confirmed → the dashboard shows it (it reads the figures every second) | "
                  f"{dashboard['order_to_dashboard_ms']} ms |")
        print()


if __name__ == "__main__":
    path = "target/e2e/metrics.json"
    studio_section(json.load(open(path)) if os.path.exists(path) else {})
