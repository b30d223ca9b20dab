"""Prints BENCHMARKS.md from dist/ and target/e2e/metrics.json (see scripts/bench.sh)."""

from glass_report import glass_section
from kept_sections import keep
from live_report import live_section
from payments_report import payments_section
from studio_report import studio_section
import datetime
import glob
import io
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys

BUDGET_KIB = 150

# The report is gathered, then merged with the hand-measured sections of the file it replaces.
report, sys.stdout = sys.stdout, io.StringIO()


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def brotli(path: str) -> int:
    """Brotli quality 11 via Node's zlib (Python's standard library has no brotli)."""
    script = ("const z=require('zlib');process.stdout.write(String(z.brotliCompressSync("
              "require('fs').readFileSync(process.argv[1]),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))")
    return int(subprocess.run(["node", "-e", script, path], capture_output=True, text=True, check=True).stdout)


def first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()[0].strip()
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def kib(size):
    return f"{size / 1024:.1f} KiB"


def jsonl(path):
    """One JSON object per line, as the load examples print them; none if the file is missing."""
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


BENCH = "target/bench"   # written by scripts/bench.sh beside dist/
# A typical third-party video embed, as published (not measured here).
CITED_EMBED = {
    "what": "YouTube iframe embed (one video, cited)",
    "figure": "over 1.2 MB of JavaScript",
    "source": "https://css-irl.info/testing-the-performance-of-social-media-embeds/",
    "note": "Michelle Barker, “Testing the Performance of Social Media Embeds”, CSS { In Real Life } (published by March 2024): one "
            "YouTube video embedded with YouTube's `<iframe>` code on an otherwise empty page, fresh uncached load in "
            "Chrome, DevTools Network tab: over 1.2 MB of JavaScript downloaded, 785 kB of it a single base script "
            "(the same test had given ~600 kB two years earlier and over 800 kB that May); 75 kB of JS on a return "
            "visit with a warm cache. The article does not say whether these are compressed transfer sizes or decoded "
            "sizes, so the figure stands as published, not in the gzip or brotli column. No published figure for a "
            "live-shopping player's own script size (Bambuser and the like) was found.",
}


def sizes(paths):
    """(raw, gzip -9, brotli) summed over the files."""
    total = [0, 0, 0]
    for path in paths:
        data = open(path, "rb").read()
        for i, size in enumerate((len(data), gz(data), brotli(path))):
            total[i] += size
    return tuple(total)


def npm_version(package):
    with open(f"node_modules/{package}/package.json") as f:
        return json.load(f)["version"]


def comparison_rows(viewer):
    """(what, files, (raw, gzip, brotli)) for the viewer, the floor and hls.js; files missing are left out."""
    rows = [("Lapak viewer (this build)", "wasm + JS + CSS + HTML", viewer)]
    counter = [f"{BENCH}/counter/{name}" for name in ("lapak-counter_bg.wasm", "lapak-counter.js", "index.html")]
    if all(os.path.exists(path) for path in counter):
        rows.append(("Leptos counter: the floor", "wasm + JS + HTML", sizes(counter)))
    for name in ("hls.min.js", "hls.light.min.js"):
        path = f"node_modules/hls.js/dist/{name}"
        if os.path.exists(path):
            rows.append((f"hls.js {npm_version('hls.js')} `{name}`", "JS", sizes([path])))
    return rows


def comparison_section(viewer):
    rows = comparison_rows(viewer)
    print("## Beside the floor, hls.js and a typical embed\n")
    print("The floor is `bench/counter`: one button incrementing a signal, with the viewer's `leptos` version and features, "
          "the same `wasm-release` profile and Trunk settings, built by the same `trunk build --release` (its Cargo.lock "
          "holds the main lock file's crate versions). hls.js is the npm package pinned in `package.json`, measured "
          "as shipped: the player it stands in for, since the viewer plays CMAF HLS itself (`src/browser/hls/`, over "
          "Media Source Extensions; about 21 KiB gzip of the viewer's wasm). gzip -9 and brotli q11 as above.\n")
    print("| what | files | raw | gzip -9 | brotli | gzip vs the viewer |\n|---|---|---:|---:|---:|---:|")
    for what, files, (raw, packed, br) in rows:
        print(f"| {what} | {files} | {kib(raw)} | {kib(packed)} | {kib(br)} | {packed / viewer[1]:.2f}× |")
    print(f"| {CITED_EMBED['what']} | JS | {CITED_EMBED['figure']} as published ([source]({CITED_EMBED['source']})) "
          "| — | — | — |\n")
    floor = next((size for what, _, size in rows if what.startswith("Leptos counter")), None)
    if floor:
        print(f"The viewer is {viewer[1] / floor[1]:.1f}× the floor gzip ({viewer[2] / floor[2]:.1f}× brotli): it adds "
              f"{kib(viewer[1] - floor[1])} gzip to what any Leptos CSR app costs (its code and its instances of Leptos' "
              f"generic code, text, CSS), where the {BUDGET_KIB} KiB budget leaves {kib(BUDGET_KIB * 1024 - floor[1])} "
              "over the floor.\n")
    print(f"Cited figure: {CITED_EMBED['note']}\n")


def clean_symbol(name):
    """Without the symbol hash (`::h0123…`) and crate disambiguators (`core[0123…]`)."""
    return re.sub(r"\[[0-9a-f]{16}\]", "", re.sub(r"::h[0-9a-f]{16}$", "", name))


def twiggy_items():
    """twiggy's items of the viewer's wasm, without the name section, which the shipped file does not carry."""
    try:
        with open(f"{BENCH}/twiggy.json") as f:
            items = json.load(f)
    except OSError:
        return []
    return [i for i in items if not i["name"].endswith('names" subsection') and not i["name"].startswith("... and ")]


def area(name):
    """A rough owner for an item, by the first rule its name matches."""
    rules = [("data segments (strings, tables)", lambda n: n.startswith("data segment")),
             ("JSON decoding (serde, serde_json, the protocol's `Deserialize`)",
              lambda n: "serde" in n or ("lapak_protocol" in n and "eserialize" in n)),
             ("views: building and updating them (tachys, leptos)", lambda n: "tachys" in n or "leptos::" in n),
             ("reactivity (reactive_graph, reactive_stores)", lambda n: "reactive_graph" in n or "reactive_stores" in n),
             ("the viewer's own functions (`lapak::`)", lambda n: "lapak::" in n),
             ("drop glue elsewhere", lambda n: "drop_in_place" in n)]
    return next((label for label, match in rules if match(name)), "everything else (core, alloc, collections, wasm-bindgen, …)")


def chunks_section():
    """The lazily loaded chunks: each sheet's own, and the code several of them share."""
    own = sorted(glob.glob("dist/chunks/split_*.wasm"))
    shared = sorted(glob.glob("dist/chunks/chunk_*.wasm"))
    if not own:
        return
    print("### Lazy chunks\n")
    print("Fetched when a sheet first opens, or earlier when the page is idle after the show is on screen "
          "(`src/features/sheet.rs`); names carry their content hash and are served immutable.\n")
    print("| chunk | raw | gzip -9 | brotli |\n|---|---:|---:|---:|")
    for path in own:
        data = open(path, "rb").read()
        name = os.path.basename(path).split("-")[0].removeprefix("split_")
        print(f"| `{name}` | {len(data) / 1024:.1f} KiB | {gz(data) / 1024:.1f} KiB | {brotli(path) / 1024:.1f} KiB |")
    datas = [open(p, "rb").read() for p in shared]
    print(f"| code shared by several sheets ({len(shared)} chunks) | {sum(map(len, datas)) / 1024:.1f} KiB | "
          f"{sum(map(gz, datas)) / 1024:.1f} KiB | {sum(brotli(p) for p in shared) / 1024:.1f} KiB |\n")


def axe_section(metrics):
    """axe-core's violations per state of the widget (e2e/a11y.test.mjs)."""
    results = metrics.get("axe")
    if not results:
        return
    print("## Accessibility: axe-core per state\n")
    print("`e2e/a11y.test.mjs`: axe-core (pinned in `package.json`) over the whole page, shadow roots included, with the "
          "rules tagged WCAG 2.0–2.2 A and AA and axe's best practices, in each state a shopper meets.\n")
    print("| state | violations |\n|---|---|")
    for state, found in results.items():
        print(f"| {state} | {'0' if not found else '; '.join(found)} |")
    print()


def contributors_section():
    items = twiggy_items()
    if not items:
        return
    code = sum(i["shallow_size"] for i in items)
    print("## Largest contributors\n")
    print(f"`twiggy top` ({first_line(['twiggy', '--version'])}) on the viewer's `wasm-release` build run through "
          "wasm-bindgen and `wasm-opt -Oz` as Trunk runs them, with `-g` so that function names survive; the name "
          f"section itself is left out, leaving {kib(code)} (the shipped `lapak_bg.wasm` above has none). Shallow sizes, "
          "raw (before compression); `{{closure}}` rows are closures and async blocks, generic code is named by its "
          "outermost item.\n")
    print("| size | % | item |\n|---:|---:|---|")
    for item in sorted(items, key=lambda i: -i["shallow_size"])[:15]:
        name = clean_symbol(item["name"]).replace("|", "\\|")
        print(f"| {item['shallow_size']:,} B | {100 * item['shallow_size'] / code:.1f} % | `{name}` |")
    areas = {}
    for item in items:
        key = area(clean_symbol(item["name"]))
        areas[key] = areas.get(key, 0) + item["shallow_size"]
    print("\nBy area: every item, by the first rule its name matches, tried in the order data, serde, tachys/leptos, "
          "reactive crates, `lapak::`, drop glue (generic code can name several crates: `drop_in_place` of a view's state "
          "counts as views). A guide to where the bytes are, not an exact split:\n")
    print("| area | size | % |\n|---|---:|---:|")
    for key, size in sorted(areas.items(), key=lambda kv: -kv[1]):
        print(f"| {key} | {kib(size)} | {100 * size / code:.1f} % |")
    print()


rows = []
for kind, pattern in [("wasm", "dist/lapak_bg.wasm"), ("JS", "dist/lapak.js"), ("JS", "dist/__wasm_split.js"),
                      ("CSS", "dist/lapak.css"), ("HTML", "dist/index.html")]:
    for path in sorted(glob.glob(pattern)):
        data = open(path, "rb").read()
        rows.append((kind, os.path.basename(path), len(data), gz(data), brotli(path)))

metrics = json.load(open("target/e2e/metrics.json"))
taps = metrics["tap_to_render_ms"]
total_raw = sum(r[2] for r in rows)
total_gz = sum(r[3] for r in rows)
total_br = sum(r[4] for r in rows)

print("# Benchmarks\n")
print(f"Produced by `./x bench` on {datetime.date.today().isoformat()}; machine: {os.cpu_count()} cores, "
      f"{cpu_model()}, {first_line(['/usr/bin/chromium', '--version'])}, "
      f"{first_line(['rustc', '--version'])}. Shared machines are noisy: treat timings as indicative.\n")
print("## Release transfer size of the viewer: its first payload\n")
print("`scripts/build-viewer.sh` (profile `wasm-release`: opt-level z, LTO, one codegen unit, panic=abort; split by "
      "wasm-split-cli; wasm-opt -Oz from binaryen 132): what a page fetches before the first tag can be tapped. "
      "gzip -9 and brotli q11 (the reference server compresses with either, as the browser asks).\n")
print("| file | kind | raw | gzip -9 | brotli |\n|---|---|---:|---:|---:|")
for kind, name, raw, packed, br in rows:
    print(f"| `{name}` | {kind} | {raw / 1024:.1f} KiB | {packed / 1024:.1f} KiB | {br / 1024:.1f} KiB |")
verdict = "within" if total_gz <= BUDGET_KIB * 1024 else "OVER"
print(f"| **total** | | **{total_raw / 1024:.1f} KiB** | **{total_gz / 1024:.1f} KiB** | **{total_br / 1024:.1f} KiB** |\n")
print(f"Budget: first payload ≤ {BUDGET_KIB} KiB gzip — {verdict} budget.\n")
chunks_section()
comparison_section((total_raw, total_gz, total_br))
contributors_section()
axe_section(metrics)
live_section(metrics)
glass_section(metrics)
studio_section(metrics)
in_frame = metrics["tap_to_render_same_frame"]
print("## Tap → cart count rendered\n")
print("Measured in the end-to-end run (`scripts/e2e.sh`, `e2e/journey.test.mjs`, headless Debian Chromium, 390×844 phone viewport): "
      "taps on add to cart and on a cart line's − and + (the count going 1, 2, 3, then 2 and 3 in turn); "
      "`performance.now()` before the click, and again when a MutationObserver sees the cart badge show the new count "
      "(optimistic update, before the server's Ack). *Next frame*: the badge already showed it in the first "
      "`requestAnimationFrame` callback after the click, so the frame that follows the tap paints it.\n")
print("| samples | p50 | max | shown by the next frame |\n|---:|---:|---:|---:|")
print(f"| {len(taps)} | {statistics.median(taps):.1f} ms | {max(taps):.1f} ms | {sum(in_frame)} of {len(in_frame)} |")

acks = metrics.get("ack_round_trip_ms", [])
if acks:
    print("\n## Command → Ack round trip\n")
    print(f"`e2e/startup.test.mjs`: {len(acks)} cart commands (add one tote, set it back to zero, in turn) sent one after "
          "another on a WebSocket opened from a page of the same headless Chromium, each timed from `send` to its `Ack` "
          "(debug-build server, SQLite transaction with the stored answer). The viewer renders a tap before this, in the "
          "same task (table above).\n")
    print(f"| commands | p50 | p99 | max |\n|---:|---:|---:|---:|\n"
          f"| {len(acks)} | {statistics.median(acks):.1f} ms | {percentile(acks, 99):.1f} ms | {max(acks):.1f} ms |")

cold = metrics.get("cold_start_ms", [])
if cold:
    print("\n## Cold start\n")
    print(f"`e2e/startup.test.mjs`: {len(cold)} runs, each in a fresh browser context (empty cache) at 390×844 on localhost "
          "against the release viewer; milestones from navigation start (`performance.now()`), polled every animation frame: "
          "the first video frame (`readyState ≥ 2`, `currentTime > 0`), the show live (Welcome applied: host name and "
          "connection status rendered) and the first product tag on screen.\n")
    print("| milestone | p50 | max |\n|---|---:|---:|")
    for key, label in [("first_frame", "first video frame"), ("live", "show live"), ("first_tag", "first tag interactive")]:
        values = [run[key] for run in cold]
        print(f"| {label} | {statistics.median(values):.0f} ms | {max(values):.0f} ms |")

restarts = metrics.get("reconnect_to_live_ms", [])
if restarts:
    print("\n## Reconnect → live after a server restart\n")
    print(f"`e2e/resilience.test.mjs`: the server is killed with SIGKILL and started again on the same port and database, "
          f"{len(restarts)} times; measured from spawning the new server process to the viewer's connection status reading "
          "`live` again (the viewer reconnects by itself with backoff starting at 250–500 ms). Includes the server's own start-up.\n")
    print(f"| restarts | p50 | p99 | max |\n|---:|---:|---:|---:|\n"
          f"| {len(restarts)} | {statistics.median(restarts):.0f} ms | {percentile(restarts, 99):.0f} ms | {max(restarts):.0f} ms |")

soak = metrics.get("soak")
if soak:
    heaps = soak["heap_bytes"]
    nodes = soak["dom_nodes"]
    print("\n## Soak\n")
    print(f"`e2e/soak.test.mjs`: the demo show at {soak['speed']}× speed for {soak['seconds']} s (a 30-minute show: 20 loops of "
          "pins and unpins) with one viewer tapping tags every 10 s; JS heap after a forced GC and DOM element count, sampled every 10 s.\n")
    print(f"| samples | heap first | heap last | heap max | DOM nodes min | DOM nodes max |\n|---:|---:|---:|---:|---:|---:|\n"
          f"| {len(heaps)} | {heaps[0] / 1e6:.2f} MB | {heaps[-1] / 1e6:.2f} MB | {max(heaps) / 1e6:.2f} MB | {min(nodes)} | {max(nodes)} |")

try:
    fuzz = open("target/e2e/fuzz.txt").read().strip()
except OSError:
    fuzz = ""
if fuzz:
    print("\n## Fuzzing\n")
    print("`cargo test -p lapak-server --test fuzz` sends generated frames (arbitrary text and command-shaped JSON with every field "
          "possibly wrong) to the real server over one WebSocket; `protocol/src/tests.rs` decodes 2 × 2,000 arbitrary inputs with proptest.\n")
    print(f"Result: `{fuzz}`.")

checkout_runs = jsonl("target/e2e/checkout.jsonl")
if checkout_runs:
    print("\n## Checkout under load\n")
    print("`cargo run -q --release -p lapak-server --example checkout_load`: the real server in-process on a temporary SQLite file "
          "(`server/tests/fixtures/bench-show.toml`: stock that never runs out, no flash deal), N shoppers on their own WebSockets, "
          f"each looping add → quote → checkout (test card 4242…) for {checkout_runs[0]['seconds']:.0f} s. Round trip is from sending "
          "`Checkout` to receiving its `Ack`: two transactions synced to disk (`synchronous = FULL`) around the test provider's charge, "
          "with every order's stock change broadcast to all N shoppers.\n")
    print("| shoppers | orders | orders/s | round trip p50 | p99 |\n|---:|---:|---:|---:|---:|")
    for run in checkout_runs:
        print(f"| {run['shoppers']} | {run['orders']} | {run['orders_per_s']:.0f} | {run['p50_ms']:.1f} ms | {run['p99_ms']:.1f} ms |")

payments_section(jsonl("target/e2e/payments.jsonl"), jsonl("target/e2e/payments-postgres.jsonl"))

gift_runs = jsonl("target/e2e/gifts.jsonl")
if gift_runs:
    print("\n## Gifts under load\n")
    print("`cargo run -q --release -p lapak-server --example gift_load`: the real server in-process on a temporary SQLite file "
          f"(`server/tests/fixtures/bench-show.toml`), {gift_runs[0]['viewers']:,} viewers on their own WebSockets, of whom "
          f"{gift_runs[0]['senders']} top up once and then send roses as fast as their acks come back, for "
          f"{gift_runs[0]['seconds']:.0f} s. Round trip is from sending `SendGift` to receiving its `Ack`: one transaction synced "
          "to disk (`synchronous = FULL`) debiting the wallet and writing the ledger. Taps are gathered into streaks and "
          "published at the timeline's 200 ms tick, so one watching viewer receives about one `Gifted` per sender per tick, "
          "not one frame per gift; every frame goes to all viewers.\n")
    print("| viewers | senders | gifts | gifts/s | round trip p50 | p99 | `Gifted` frames/s to a viewer | all frames/s to a viewer "
          "| fresh snapshots (viewer fell behind) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in gift_runs:
        print(f"| {run['viewers']:,} | {run['senders']} | {run['gifts']} | {run['gifts_per_s']:.0f} | {run['p50_ms']:.1f} ms | "
              f"{run['p99_ms']:.1f} ms | {run['watcher_gifted_per_s']:.0f} | {run['watcher_frames_per_s']:.0f} | "
              f"{run['watcher_snapshots']} |")

pg_checkout = jsonl("target/e2e/checkout-postgres.jsonl")
pg_gifts = jsonl("target/e2e/gifts-postgres.jsonl")
across = jsonl("target/e2e/checkout-servers.jsonl")
if pg_checkout and checkout_runs:
    print("\n## Storage: SQLite and PostgreSQL\n")
    print("The same two examples with `LAPAK_TEST_POSTGRES` set: the server keeps its data in a new database of a throwaway "
          "PostgreSQL 15 cluster on loopback (`scripts/postgres.sh … durable`: PostgreSQL's default durability, every "
          "commit flushed to disk) instead of the SQLite file (which syncs the orders' commits, `synchronous = FULL`). Both go through sqlx's `Any` pool. Writers take turns on both: on SQLite its "
          "write lock, on PostgreSQL a transaction-scoped advisory lock, so that several servers sharing the database "
          "keep the rules that read before they write.\n")
    print("| checkout | shoppers | orders/s | round trip p50 | p99 |\n|---|---:|---:|---:|---:|")
    for name, runs in (("SQLite", checkout_runs), ("PostgreSQL", pg_checkout)):
        for run in runs:
            print(f"| {name} | {run['shoppers']} | {run['orders_per_s']:.0f} | {run['p50_ms']:.1f} ms | {run['p99_ms']:.1f} ms |")
    if pg_gifts and gift_runs:
        print("\n| gifts | viewers | senders | gifts/s | round trip p50 | p99 |\n|---|---:|---:|---:|---:|---:|")
        for name, runs in (("SQLite", gift_runs), ("PostgreSQL", pg_gifts)):
            for run in runs:
                print(f"| {name} | {run['viewers']:,} | {run['senders']} | {run['gifts_per_s']:.0f} | "
                      f"{run['p50_ms']:.1f} ms | {run['p99_ms']:.1f} ms |")
    if across:
        print(f"\n`SERVERS=1,2,3` with `LAPAK_TEST_POSTGRES`: {across[0]['shoppers']} shoppers spread over that many release "
              "server processes sharing one database, each looping add → quote → checkout as above. On this 2-core machine "
              "PostgreSQL, the servers and the load generator share the cores, and they are the limit before the writers' "
              "turn is: sampled 30 times during a three-server run (2026-12-04, `pg_stat_activity`), 23 connection-samples "
              "waited for the turn against 249 idle between commands. The turn is one for the whole database, so where it "
              "becomes the limit every show's writes share it.\n")
        print("| servers | shoppers | orders/s | round trip p50 | p99 |\n|---:|---:|---:|---:|---:|")
        for run in across:
            print(f"| {run['servers']} | {run['shoppers']} | {run['orders_per_s']:.0f} | {run['p50_ms']:.1f} ms | {run['p99_ms']:.1f} ms |")
    deal = jsonl("target/e2e/deal.jsonl")
    if deal:
        print("\n`deal_load`: a flash-deal race. 400 buyers, each with the deal's product in the cart at the deal price and a "
              "quote for it, send their checkouts at once for the deal's 100 units (`server/tests/fixtures/deal-show.toml`); "
              "100 are paid at the deal price, the rest refused (`price_changed`: the deal is gone, nothing written). On the "
              "in-process server's SQLite file, then on PostgreSQL over 1 and 3 release servers. Answers a second counts "
              "paid and refused alike: a paid checkout takes its show's writers' turn twice, a refused one once. "
              "\"Sold before\": the race is for the last 100 units of a deal whose first units were sold already "
              "(paid orders written into the database first). \"Shows\": that many shows run the deal at once, the "
              "100 units and the buyers split among them. \"Late\": a first wave of 100 buyers takes the units; measured are "
              "the other 300, checking out once the deal has sold out.\n")
        print("| database | servers | shows | sold before | late | buyers | paid | refused | all answered | answers/s | round trip p50 | p99 |\n"
              "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for run in deal:
            print(f"| {run['database']} | {run['servers']} | {run.get('shows', 1)} | {run.get('sold_before', 0):,} | "
                  f"{'yes' if run.get('late') else 'no'} | "
                  f"{run['buyers']} | {run['paid']} | {run['refused']} | "
                  f"{run['all_ms']:.0f} ms | {run['answers_per_s']:.0f} | {run['p50_ms']:.0f} ms | {run['p99_ms']:.0f} ms |")
    failover = jsonl("target/e2e/failover.jsonl")
    if failover:
        print("\n`failover_load` with `LAPAK_TEST_POSTGRES`: two release server processes on one database; N viewers join the "
              "first (a new session each, an item in the cart), it is killed with SIGKILL, and all N at once connect to the "
              "second with their session tokens. Measured per viewer from the kill to its greeting there, which carries its "
              "session and its cart, read from the database: without NATS a fresh `Welcome` (each server numbers its own "
              "events); with `NATS=1` the servers share the show and each viewer must get `Resumed` after the last seq it "
              "saw. The test client reconnects at once; the widget waits 0.25–0.5 s first.\n")
        print("| servers share the show through NATS | viewers | all moved | p50 | p99 |\n|---|---:|---:|---:|---:|")
        for run in failover:
            shared = "yes: `Resumed`" if run.get("nats") else "no: a fresh `Welcome`"
            print(f"| {shared} | {run['viewers']:,} | {run['all_ms']:.0f} ms | {run['p50_ms']:.0f} ms | {run['p99_ms']:.0f} ms |")
    print("\nMeasured 2026-12-04 on the same machine; `./x bench` regenerates this section.")

def replay_section(runs, chapter_ms):
    """Replays: the event log's size per hour, the index's build and seek times, chapter taps."""
    logs = [r for r in runs if "run" in r]
    index = next((r for r in runs if "index" in r), None)
    print("\n## Replays\n")
    print("`cargo run -q --release -p lapak-server --example replay_load`: the real server in-process goes on air from a "
          "real ffmpeg, once with the demo show's own events (`server/shows/demo.toml`: its timeline's pins and deals, one "
          "viewer) and once under `--flood chat=500,likes=1000,gifts=50` (`server/tests/fixtures/live-show.toml`; what the "
          "hub publishes of it: chat at most 20 lines a tick), each for the time below; then the show ends and its replay's "
          "log is read over HTTP as a viewer reads it. Bytes are as stored: a row per 250 ms write, the events' JSON "
          "deflated (SQLite adds about 30 B per row).\n")
    print("| events | on air | events kept | bytes kept | per hour of show |\n|---|---:|---:|---:|---:|")
    for run in logs:
        label = "the demo show's own" if run["run"] == "demo" else "flood: 500 chat lines, 1,000 likes, 50 gifts /s"
        print(f"| {label} | {run['seconds']:.0f} s | {run['events']:,} | {run['bytes']:,} B | "
              f"{run['events_per_hour']:,} events, {run['bytes_per_hour'] / 1048576:.2f} MiB |")
    if index:
        print(f"\nIndex for a 3-hour show (the flood's log repeated, {index['events']:,} events): "
              f"`ReplayIndex::build` took {index['build_ms']:.0f} ms ({index['build_ms'] / 3:.0f} ms per hour of show). "
              f"A seek (`at`) took {index['seek_p50_us']} µs at p50 and {index['seek_p99_us']} µs at p99; the baseline, "
              f"folding every event from the start to the 2-hour mark, took {index['fold_ms']:.0f} ms "
              f"({index['fold_ms'] * 1000 / max(index['seek_p50_us'], 1):,.0f}× the p50 seek).")
    if chapter_ms:
        print(f"\nA tap on a chapter's \"See it in the show\" to its picture on screen (`e2e/replay.test.mjs`, the release "
              f"viewer in headless Chromium against the debug server, the recording served from the same machine): "
              f"{', '.join(f'{v:.0f}' for v in chapter_ms)} ms.")


replay_runs = jsonl("target/e2e/replay.jsonl")
if replay_runs:
    replay_section(replay_runs, metrics.get("replay_chapter_ms", []))

fanout_runs = jsonl("target/e2e/fanout.jsonl")
if fanout_runs:
    print("\n## Server fan-out\n")
    print("`cargo run -q --release -p lapak-server --example fanout_load`: the release server binary as a child process, a fresh "
          "one per audience on a temporary SQLite file, plays the demo show (`server/shows/demo.toml`) fast enough to publish "
          "about 50 show events a second (pins, unpins, deals starting and ending). N viewers join on their own WebSockets "
          "(Hello, 100 joining at once, at most 90 s), read everything and ping every 10 s as the viewer does; for 15 s each "
          "notes when every show event arrives. The server does not stamp events, so latency has two references. *Spread* is "
          "measured from the event's earliest arrival at any viewer: the time one fan-out takes to reach everyone, which is "
          "what grows with N. *From cue* is measured from the cue's programme time, which `Pinned` events carry (`pin.at`; "
          "same machine, same clock): it "
          "includes up to one 200 ms timeline tick of waiting, and it keeps growing when the server cannot keep up — the "
          "spread then understates, since the first viewer is late too, and events/s per viewer falls below 50. Missed: "
          "(viewer, event) pairs still not received 5 s after the window. Memory is the server's resident set before anyone "
          "joins and with all N joined, at the end of the 15 s; per connection is the difference divided by N (the server "
          "reads each socket through a 4 KiB buffer). CPU is the server's over the 15 s (100 % = one core). The load "
          "generator (one thread) shares the machine, and its CPU is in the last column: on a small machine the figures say "
          "as much about the machine as about the server.\n")
    print("| viewers | joined | join time | events/s per viewer | spread p50 | p99 | max | from cue p50 | p99 | missed "
          "| RSS idle | RSS with N | per connection | server CPU | load generator CPU |\n"
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in fanout_runs:
        print(f"| {run['viewers']:,} | {run['connected']:,} | {run['connect_s']:.1f} s | {run['events_per_s']:.1f} | "
              f"{run['p50_ms']:.0f} ms | {run['p99_ms']:.0f} ms | {run['max_ms']:.0f} ms | {run['cue_p50_ms']:.0f} ms | "
              f"{run['cue_p99_ms']:.0f} ms | {run['missed']:,} | {run['rss_mb_idle']:.1f} MiB | {run['rss_mb']:.1f} MiB | "
              f"{run['kib_per_conn']:.1f} KiB | {run['cpu_pct']:.0f} % | {run['client_cpu_pct']:.0f} % |")

shared_runs = jsonl("target/e2e/fanout-servers.jsonl")
if shared_runs:
    print("\n## Fan-out across servers sharing a show (NATS JetStream)\n")
    print("`SERVERS=1,2,3 LAPAK_TEST_POSTGRES=… cargo run -q --release -p lapak-server --example fanout_load`: as above, but "
          "one audience spread round-robin over that many release servers sharing the show through a `nats-server -js` of "
          "the run's own, on one new PostgreSQL database; the first server leads the show (plays its timeline). Spread "
          "and from-cue are measured across all servers' viewers (an event has one `seq` on every server). CPU and memory "
          "are the servers' summed; NATS CPU is the nats-server's. `FLOOD=stock=1000` adds 1,000 stock events a second "
          "on the first server. More servers share the same two cores here: the rows say what the stream's hop costs, "
          "not what more machines add.\n")
    print("| servers | flood | viewers | events/s per viewer | spread p50 | p99 | max | from cue p50 | p99 | missed "
          "| servers' CPU | NATS CPU | load generator CPU |\n"
          "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in shared_runs:
        print(f"| {run['servers']} | {run.get('flood') or '—'} | {run['viewers']:,} | {run['events_per_s']:.1f} | "
              f"{run['p50_ms']:.0f} ms | {run['p99_ms']:.0f} ms | {run['max_ms']:.0f} ms | {run['cue_p50_ms']:.0f} ms | "
              f"{run['cue_p99_ms']:.0f} ms | {run['missed']:,} | {run['cpu_pct']:.0f} % | {run['nats_cpu_pct']:.0f} % | "
              f"{run['client_cpu_pct']:.0f} % |")

flood = metrics.get("gift_flood")
if flood:
    heap = flood["heap_bytes"]
    print("\n## The viewer under a gift flood\n")
    print(f"`e2e/gift-flood.test.mjs`: {flood['senders']} senders (plain WebSockets from a second page of the same headless "
          f"Chromium) send roses and iced coffees at {flood['gifts_per_second']:.0f} gifts/s in all for {flood['seconds']} s to a "
          "debug-build server of its own, while one viewer (390×844) watches; its `requestAnimationFrame` deltas and long "
          "tasks (`PerformanceObserver`, > 50 ms) over the flood, JS heap after a forced GC before and after. The server "
          "gathers taps into streaks, so the viewer receives about one `Gifted` per sender per 200 ms tick; the lane shows "
          "three streaks and sums up the rest.\n")
    print("| gifts sent | answered | frames | frame p50 | p95 | p99 | long tasks | longest | heap before → after | lane rows max |\n"
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {flood['gifts_sent']:,} | {flood['gifts_acked'] + flood['gifts_refused']:,} | {flood['frames']} | "
          f"{flood['frame_ms_p50']:.1f} ms | {flood['frame_ms_p95']:.1f} ms | {flood['frame_ms_p99']:.1f} ms | "
          f"{flood['long_tasks']} | {flood['long_task_ms_max']:.0f} ms | {heap[0] / 1e6:.2f} → {heap[1] / 1e6:.2f} MB | "
          f"{flood['lane_rows_max']} |")

def times(lapak, vanilla, key):
    """Lapak's median share of `key` over vanilla's, and the lowest and highest of the rounds' ratios."""
    rounds = sorted(a / b for a, b in zip(lapak[f"{key}_rounds"], vanilla[f"{key}_rounds"]))
    return f"{lapak[key] / vanilla[key]:.2f}× ({rounds[0]:.2f}–{rounds[-1]:.2f})"


def flood_row(label, run):
    heap, nodes = run["heap_bytes"], run["dom_nodes"]
    return (f"| {label} | {run['received']:,.0f} | {run['frames']:,} | {run['frame_ms_p50']:.1f} ms | {run['frame_ms_p95']:.1f} ms | {run['frame_ms_p99']:.1f} ms | "
            f"{run['long_tasks']} | {run['long_task_ms_max']:.0f} ms | {heap[0] / 1e6:.2f} → {heap[1] / 1e6:.2f} MB | "
            f"{nodes[0]} → {nodes[1]} | {run['busy'] * 100:.1f} % | {run['script'] * 100:.1f} % | {run['cpu'] * 100:.1f} % |")


# Frames drawn: headless Chromium aims at 60 a second, so a page that keeps up draws about 60 per second measured.
FLOOD_HEAD = ("| page | frames received a second | frames drawn | frame p50 | p95 | p99 | long tasks | longest | heap before → after "
              "| DOM elements before → after | main thread busy | of it script | on CPU |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
def ratios(lapak, vanilla):
    """Lapak/vanilla for frame p95 and main-thread busy time."""
    return (f"frame p95 {lapak['frame_ms_p95'] / vanilla['frame_ms_p95']:.2f}×, "
            f"main thread busy {times(lapak, vanilla, 'busy')}")


def print_pages(lapak, vanilla):
    print(FLOOD_HEAD)
    print(flood_row("Lapak", lapak))
    print(flood_row("vanilla JS", vanilla))


floods = sorted((int(k.split("_")[1]), v) for k, v in metrics.items() if k.startswith("flood_"))
if floods:
    print("\n## The viewer under event floods, beside a vanilla-JS page\n")
    print("`e2e/flood.bench.mjs` (run by `./x bench`): the release server runs with `--flood`, a synthetic mix per second "
          "of 40 % chat lines, 40 % likes, 10 % gift taps, 5 % stock changes and 5 % tag moves, streamed through the hub as "
          "real ones are (chat, likes and gift streaks gathered into one event each per 200 ms tick; stock and tags one "
          "event each). Headless Chromium (390×844) renders the flood with the widget, then, on the same flood, with "
          "`e2e/flood/vanilla.html` — hand-written JavaScript with the same DOM budget (the same looping video, last "
          "50 chat lines, a like counter with 12 hearts at most, 3 gift rows and a summary, stock and tags), applying each frame as it arrives: "
          "the practical floor. The two pages take turns on the same flood, three windows each (widget, vanilla, widget, …; "
          "a fresh page per window), because a shared machine's speed drifts within minutes. Measured per window: "
          "the server's frames the page received (its WebSocket messages a second, median window: the same flood should bring "
          "both pages about as many, and a window in which the shared machine held the server back shows here), "
          "`requestAnimationFrame` deltas, long tasks "
          "(> 50 ms), JS heap after a forced GC and element count before → after, and the share of the time the page's main "
          "thread was busy (all tasks, and script alone: the DevTools Protocol's `TaskDuration` and `ScriptDuration`) "
          "and the share it ran on a core (`ThreadTime`: CPU time, which leaves out the time a busy thread waited for "
          "a core on this shared machine). "
          "Headless Chromium paints at 60 Hz, so frame times bottom out at 16.7 ms and a page that keeps up draws about "
          "60 frames a second (frames drawn: all of a page's windows together, 1,800 for 30 s); the busy share shows the "
          "work behind them. Reported: frame statistics over all of a page's frames, the median window's shares, the last window's heap "
          "and elements; each ratio is the medians' ratio, with the lowest and highest of the three rounds' ratios in "
          "brackets. The server, the browser and the pages share the machine's cores. "
          "Goal: 2,000 events/s with p95 ≤ 16.7 ms, no long tasks, within 1.25× of vanilla.\n")
    for rate, run in floods:
        lapak, vanilla = run["lapak"], run["vanilla"]
        print(f"\n**{rate:,} events/s, {run['seconds']} s per page** (`--flood {run['spec']}`) — "
              f"Lapak/vanilla: {ratios(lapak, vanilla)}, on CPU {times(lapak, vanilla, 'cpu')}\n")
        print_pages(lapak, vanilla)

slow = metrics.get("slow_phone")
if slow:
    lapak, vanilla = slow["lapak"], slow["vanilla"]
    print(f"\n### On a low-end phone: the main thread slowed {slow['slowdown']}×\n")
    print(f"The mix above at 2,000 events/s (`--flood {slow['spec']}`, "
          f"{slow['seconds']} s per page in {slow['rounds']} windows each, taking turns), with the DevTools Protocol slowing each "
          f"page's main thread {slow['slowdown']}× (`Emulation.setCPUThrottlingRate`, the factor Lighthouse uses for a mobile "
          "device). The emulation keeps the thread's core busy while it holds the page back, so the on-CPU share reads "
          "about the same for both pages: the frames, the long tasks and the busy share are the figures to read.\n")
    print(f"Lapak/vanilla: {ratios(lapak, vanilla)}\n")
    print_pages(lapak, vanilla)
    print("\nWhat the missed frames are (a DevTools trace of 8 s of each page under the same mix and slowdown, "
          "2026-11-23): the frames that apply a chat tick. With up to 50 lines a tick each was a long task (16–33 ms "
          "of script, 16–29 ms of layout, 3–27 ms of paint); the server now sends at most 20 (see What changed), and "
          "with the trace's own overhead the 10 longest took 44–64 ms: 7–22 ms of script, 10–15 ms of layout, 4–13 ms "
          "of paint and 3–9 ms of image paint. About one such frame per tick was over 16 ms (43 in 8 s). Traced the "
          "same way, one of the vanilla page's tasks was over 16 ms (16.8 ms).")

kinds = [(k.split("_", 1)[1], v) for k, v in metrics.items() if k.startswith("kind_")]
if kinds:
    print("\n### Kind by kind\n")
    print("The same pages, each kind of event alone at its share of the 1,000 events/s mix (`--flood <kind>=<rate>`, "
          f"{kinds[0][1]['seconds']} s per page in {kinds[0][1]['rounds']} windows each, taking turns as above): "
          "where the widget's extra main-thread time comes from. Both pages get at most 20 chat lines a tick, whatever "
          "the rate (the rows before the change in What changed had up to 50).\n")
    print("| kind | `--flood` | Lapak busy | of it script | on CPU | vanilla busy | of it script | on CPU "
          "| Lapak/vanilla busy | on CPU |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind, run in kinds:
        lapak, vanilla = run["lapak"], run["vanilla"]
        shares = " | ".join(f"{page[key] * 100:.1f} %" for page in (lapak, vanilla) for key in ("busy", "script", "cpu"))
        print(f"| {kind} | `{run['spec']}` | {shares} | {times(lapak, vanilla, 'busy')} | {times(lapak, vanilla, 'cpu')} |")

chat = metrics.get("chat_flood")
if chat:
    print("\n## The viewer under a chat flood\n")
    print(f"`e2e/flood.bench.mjs`, last test: `--flood {chat['spec']}` (500 chat lines and 1,000 likes a second) for "
          f"{chat['seconds']} s against the release server; the widget at 390×844 in headless Chromium, measured as above. "
          "The server publishes at most 20 lines per 200 ms tick (100 a second; under this flood the oldest of a tick's "
          "lines are left out, as documented) and one like total per tick; the chat keeps 50 lines and 12 hearts float at most.\n")
    print(FLOOD_HEAD)
    print(flood_row("Lapak", chat["lapak"]))

embed = metrics.get("embed")
if embed:
    print("\n## Embedding\n")
    print("The loader a brand page includes (`embed/embed.js` and the stylesheet it links, copied to `dist/`), "
          "built by the same `trunk build --release`; budget 5 KiB gzip.\n")
    print("| file | raw | gzip -9 | brotli |\n|---|---:|---:|---:|")
    loader = 0
    for path in ["dist/embed.js", "dist/embed.css"]:
        data = open(path, "rb").read()
        loader += gz(data)
        print(f"| `{os.path.basename(path)}` | {kib(len(data))} | {kib(gz(data))} | {kib(brotli(path))} |")
    print(f"\nLoader total: {kib(loader)} gzip — {'within' if loader <= 5 * 1024 else 'OVER'} the 5 KiB budget.\n")
    print("`e2e/embed.test.mjs` on `/embed-demo` (launcher mode, localhost, headless Chromium, phone and desktop runs): "
          "bytes transferred before the shopper interacts (navigation + every resource, `transferSize`: the shop page itself, "
          "its own CSS/JS/images and the loader — no player), then from the tap on the LIVE bubble to the first video frame "
          "(`readyState ≥ 2` and `currentTime > 0`) and to the first product tag in the DOM (the player downloads, compiles "
          "and joins the show in between).\n")
    print("| runs | bytes before interaction | tap → first frame | tap → tags interactive |\n|---:|---:|---:|---:|")
    print(f"| {len(embed['bubble_to_first_frame_ms'])} | {', '.join(kib(b) for b in embed['bytes_before_interaction'])} | "
          f"{', '.join(str(t) + ' ms' for t in embed['bubble_to_first_frame_ms'])} | "
          f"{', '.join(str(t) + ' ms' for t in embed['bubble_to_tags_ms'])} |")

# Measured changes: what was changed because a figure above missed, and the figure before and after
# (same command, same kind of machine, 2026-11-23). A record, not re-measured by this run.
print("""
## What changed, before → after

| change | measured with | before | after |
|---|---|---:|---:|
| Leptos `erase_components` for every wasm build (`.cargo/config.toml`) | `trunk build --release`, `lapak_bg.wasm` gzip -9 | 414,918 B | 380,816 B |
| Server frames decoded by `ServerMsg::from_json` (the `type` first, then the variant's fields) instead of serde's buffering internally tagged decoder; wire format unchanged | same | 380,816 B | 357,817 B |
| Per-connection WebSocket read buffer 16 KiB → 4 KiB | `fanout_load`, server memory per viewer | 12 KiB more per viewer | 18–22 KiB |
| `ViewerCount` published at most once a second from the tick instead of on every join and leave (O(N²) frames while an audience gathers) | `fanout_load`, time for the audience to join | not recorded (each join and leave was one frame to every viewer) | 5,000 in 4.6 s, 10,000 in 28.7 s (Xeon, before the community landed; the table above is this run's) |
| Frames already queued for a connection leave in one write (`feed` each, one `flush`), and show events are shared as reference-counted frames instead of copied per viewer (`server/src/ws.rs`, `hub.rs`) | `fanout_load 5000`, this machine, the release server before and after | joined in 8.9 s; spread p99 641 ms; server CPU 148 % | joined in 3.9 s; spread p99 100 ms; server CPU 62 % |
| same | `fanout_load 10000` | joined in 59.2 s; 36.9 of 50 events/s; ~28 s behind the show (the previous `./x bench` on this machine) | joined in 12.0 s; 49.9 events/s; spread p99 217 ms (and this run's table above) |
| Floating hearts: one `@keyframes` per path with the drift written out (keyframes that read a custom property do not run on the compositor); product tags on their own layer (`will-change: transform`: a moved tag is recomposited, not repainted); the chat log contains its layout and paint; a viewer's club pill and badge built once instead of by effects per line | `e2e/flood.bench.mjs`, kind by kind (15 s each), the widget before (`LAPAK_DIST` = the previous build) and after, beside vanilla in the same runs | main thread busy, Lapak/vanilla: likes 13.6 % / 9.3 % (1.47×), tag moves 21.3 % / 9.4 % (2.27×), chat 13.9 % / 6.0 % (2.32×) | likes 11.1 % / 7.8 % (1.43×), tag moves 15.9 % / 8.5 % (1.86×), chat 12.2 % / 5.7 % (2.15×) |
| Tags placed by a transform in the tag layer's container units (`cqw`/`cqh`) on a layer of their own, instead of `left`/`top` with a 400 ms transition of both (which laid out and repainted the widget on every frame of every glide) | `e2e/flood.bench.mjs`, tag moves alone (`--flood pins=50`, 15 s), the widget before (`LAPAK_DIST` = the previous build) and after, two runs each | Lapak/vanilla busy 1.70×, 1.70× | 1.19×, 1.53× |
| Chat lines build fewer elements and attributes: the club pill draws its heart and level in CSS (one element with `data-level` inside instead of four), in a line the name flows inline instead of in a flex box, one `class` attribute per line instead of a class and two toggles, the badge's size from CSS | `e2e/flood.bench.mjs`, chat alone (`--flood chat=400`, 15 s), the widget before (`LAPAK_DIST` = the previous build) and after, five runs each, alternating; medians | main thread busy 10.1 % (script 3.1 %), Lapak/vanilla 2.00× | busy 8.8 % (script 2.6 %), 1.88× |
| Gift taps gathered into streaks, published per 200 ms tick | `gift_load`, `Gifted` frames a watching viewer receives | ~700 a second (one per gift) | ~100 a second (one per sender per tick) |
| Server frames applied to the store once per animation frame (`net/inbox.rs`) | `e2e/gift-flood.test.mjs`, frame p95 | 16.8 ms | 16.8 ms (within noise: after aggregation the flood is rarely more than one event per frame) |
| Chat lines and likes gathered per 200 ms tick (one `Chat`, one `Likes` event) | `e2e/flood.bench.mjs` at 2,000 events/s: frames reaching the page | — (designed so from the start) | ≤ 5 `Chat` + 5 `Likes` + 5 gift-tick events a second, plus stock and tags one by one |
| While 12 hearts float, others' likes only add to the count instead of cutting the oldest hearts short (`store/community.rs`): under a flood the widget had started 6 hearts per 200 ms tick, each removed after 0.4 s of its 1.6 s flight — 4× the hearts of the vanilla page, which starts one only when there is room | `--flood likes=400`, `e2e/flood.trace.mjs` (`PAGES=lapak`, 6 s), five alternating runs of each build; medians | busy 5.12 %, on CPU 4.00 %; hearts' SVGs added and removed 60 times a second; layout 35 ms in 5 s | busy 3.62 %, on CPU 2.92 %; 7 a second; layout 11 ms in 5 s |
| A chat line's text is a text node of the line instead of a `<span>` of its own (an event line colours the whole line), and lines wrap long words with `overflow-wrap: break-word` instead of `anywhere` (the same breaks; a line's shrink-to-fit width no longer weighs a break after every character) | `--flood chat=400`, `e2e/flood.trace.mjs` (`PAGES=lapak`, 6 s), ten alternating runs of each build; medians | busy 7.85 %, on CPU 6.75 % | busy 7.13 %, on CPU 6.19 % |
| The Fan Club pill's level centred by its line height instead of a one-cell grid (one grid per member's chat line) | `--flood chat=400`: the widget's layout time in a 5 s DevTools trace, three alternating runs of each build | 43.7–46.4 ms | 38.2–43.0 ms |
| The inbox's fallback timer (for tabs that get no animation frames) set once per 100 ms instead of once per frame (`net/inbox.rs`) | the 1,000 events/s mix for 5 s, `setTimeout` calls counted in the page; main thread by `e2e/flood.trace.mjs`, five alternating runs each | 307 timers; on CPU 18.0 % (median) | 44 timers; on CPU 19.5 % (median; unchanged within this machine's noise) |
| At most 20 chat lines per 200 ms tick instead of 50 (`CHAT_LINES_PER_TICK`); a `Chat`'s `Ack` now carries the line, so its sender sees it at once even when a flood leaves it out of the tick | the low-end phone test above (2,000 events/s, main thread slowed 4×, 24 s per page), the release server before and after with the same widget, in turn; per run | long tasks 5, 6, 3 (longest 58–72 ms); frame p99 50 ms; 1,302–1,316 frames where vanilla drew 1,442 | long tasks 0, 4, 1, 0 (longest 52–59 ms); frame p99 33.4 ms; 1,357–1,368 frames where vanilla drew 1,429–1,444 |
| Storage through sqlx's `Any` pool, one code path for SQLite and PostgreSQL, instead of `SqlitePool` (`server/src/db.rs`) | `checkout_load` (1, 10, 50 shoppers) and `gift_load` on SQLite, the previous commit's release build and this one's, two alternating runs each; means | 388, 460, 461 orders/s; 1,089 gifts/s | 406, 430, 439 orders/s; 1,000 gifts/s (−8 %: every row is converted to the `Any` driver's values first) |
| A product tag's ring breathes by `transform` and `opacity` on an element of its own, twice when the tag appears, instead of by `box-shadow` for as long as the tag is up (a shadow is restyled and repainted on the main thread every frame, even with nothing else happening) | `e2e/flood.trace.mjs` (`PAGES=lapak`, 6 s), the widget before (`LAPAK_DIST` = the previous build) and after, three alternating runs each; medians: an idle show (`--flood likes=1`), chat alone (`--flood chat=400`), the 1,000 events/s mix | busy 9.65 %, 13.17 %, 41.73 % | busy 2.16 %, 8.47 %, 41.22 % (the mix unchanged: its tag moves keep the tags' glides restyled every frame) |

## Looked at and not kept

Measured with `e2e/flood.trace.mjs` (its on-CPU share, `PAGES=lapak`, 6 s traces, four or five alternating runs of
each build on the same machine; medians), on 2026-11-23 and 24. Single runs of one build spread by ±10 %, so changes below
about 5 % are not told apart from noise.

| what | measured with | before | after |
|---|---|---:|---:|
| The chat follows its newest line by the browser's scroll anchoring (an empty element after the lines is the only anchor; the log in block layout, since Chromium does not anchor in a flex column) instead of a scripted scroll after each batch | `--flood chat=400` | 5.63 % | 5.74 %: reading `scrollHeight` had forced a layout that showed as 13–16 % of the widget's script, but the same layout then ran in the frame instead |
| wasm-bindgen's `enable-interning` | the 1,000 events/s mix (wall-clock busy) | 26.1 % | 27.9 %, and 2.3 KB more wasm (gzip) |
| Floating hearts drawn by a CSS mask (one element each, no SVG) | `--flood likes=400` | 3.34 % | 3.45 % |
| Without Leptos' `erase_components` | the 1,000 events/s mix | 20.0 % | 19.9 %, and 9.3 % more wasm (gzip) |
| No `backdrop-filter` anywhere | `--flood chat=1` (idle) | 0.82 % | 0.85 % |
| No glide when a tag moves (its 400 ms `transform` transition): in this headless Chromium the glide is restyled on the main thread on every frame while it runs (DevTools invalidation tracking: 1,769 animation restyles of the tags in 5 s, style recalculation 118 ms → 43 ms); kept, since hosts move tags now and then and the glide shows where a tag went | `--flood pins=50`, four runs each | 11.4 % | 10.1 % |
| Tags placed in percentages of a spot as large as the layer instead of container units, in case `cqw`/`cqh` kept the glide off the compositor | `--flood pins=50`, invalidation tracking | 1,769 animation restyles in 5 s | 1,769: the same |
| No `text-shadow` on chat lines (a shadow under every line's text) | `--flood chat=400`, five runs each | 6.60 % | 6.67 % |
| No fading mask over the top of the chat log | `--flood chat=400`, five runs each | 6.60 % | 7.11 % |
| The chat log in block layout, each line as wide as its text (`width: fit-content`), instead of a flex column of shrink-to-fit lines | `--flood chat=400`, five runs each | 3.76 % | 3.80 % |
| `content-visibility: auto` on chat lines, so that lines pushed out of sight are not laid out or painted | `--flood chat=400`, five runs each | 3.75 % | 4.93 % |
| Without Leptos' `erase_components`, the chat alone (a line then clones 1.4 comment placeholders on average instead of 7, and makes 9 `insertBefore` calls instead of 14) | `--flood chat=400`, five runs each | 3.94 % | 3.86 %, and 9.1 % more wasm (gzip) |
| `opt-level = "s"` instead of `"z"` for the viewer's wasm | `lapak_bg.wasm` gzip -9 | 357,387 B | 401,686 B |
| wasm-opt `-Oz --converge`, `-Oz --gufa -Oz` or `-Os` instead of `-Oz` | `lapak_bg.wasm` gzip -9 | 357,380 B | 358,056 B, 358,242 B, 357,031 B (and 4.6 % more raw) |
| Chat lines shown four per animation frame, a tick's lines rolling in over five frames instead of all in the frame their event arrives (the reducer asking for frames, the inbox folding them in) | the low-end phone test above, two alternating runs each | 1,368 and 1,357 frames; busy 1.24× and 1.25× vanilla | 1,370 and 1,288 frames; busy 1.86× and 1.56× vanilla: every frame that shows lines folds a message into the store and diffs the list again, which cost more than the layout it spread out |
| The store given only the fields that changed: the reducer folds messages into a state of its own, in place, and each field of the store that differs is set (or patched) from it, instead of copying the whole state, folding into the copy and patching the store with it (`Actions::dispatch_all`) | `e2e/flood.trace.mjs` (`PAGES=lapak`, 6 s), three alternating runs of each build, 2026-12-04; medians: the 1,000 and the 2,000 events/s mixes; and `lapak_bg.wasm` gzip -9 | 29.86 %, 34.48 %; 403,433 B | 29.80 %, 32.28 % (within the runs' spread); 407,430 B (+4.0 KiB: the store's setters and patchers made once per field) |
| `Field<T>` props instead of the whole store: six components that read one field of the state (the toasts, the pinned message, and the products, gifts, orders and missions buttons) given `#[prop(into)] Field<Community>` and the like | `lapak_bg.wasm` gzip -9, the same commit built both ways | 405,632 B | 409,594 B (+3,962 B: each field type erased into a `Field` brings its own boxed accessors) |

Where the chat's cost over vanilla is (the worst kind above), taking pieces of a chat line out one at a time
(`--flood chat=400`, the widget's on-CPU share before → after):

| piece taken out | before | after |
|---|---:|---:|
| the whole name block (name as plain text: no label, Fan Club pill or badge) | 5.77 % | 3.62 % |
| the pill's heart and level (its `::before` and `::after`), with a flat background | 5.74 % | 5.19 % |
| the name's label `<span>` | 6.04 % | 5.79 % |
| badge images | 5.12 % | 4.94 % |

No single piece carries it. Counted by wrapping the DOM methods in the page (`--flood chat=400`, 5 s, 500 lines), a
line costs 14 `insertBefore`, 7 cloned comment placeholders, 8 `setAttribute`, 7 created elements and text nodes and
one `remove` (of the line it pushes out); the vanilla page appends a paragraph of 4 nodes. The placeholders are Leptos'
type-erased views: every element keeps its children as a list with an end marker, an absent optional child leaves
one. They are not where the time goes: built without `erase_components` (row above), the chat costs the same. In a CPU
profile of the chat alone, the widget's script is spread thin: the most self time is the browser's `remove` (0.18 % of
the main thread, three times the vanilla page's, for the same one removal per line: a line has more nodes to detach),
then `setAttribute` (0.13 %) and decoding frames (0.09 %). In one 6 s trace of each page, the widget's layout took 1.6
times vanilla's time, paint 2.4 times, pre-paint 1.9 times and commit 3.1 times, and image paint (badges and the pill's
heart; the vanilla line has no images) 0.22 % of the main thread: a line that draws a name, a pill with a heart and a
level, and a badge costs more to lay out and paint than a name and a number. A CPU profile of the mix
(`PROFILE=1 e2e/flood.trace.mjs`, the release wasm with its name section) puts 11 % of the widget's
script in folding each frame's events into the store: copying the state, comparing it field by field and notifying
(about 5 % of script could be saved by not copying the parts that did not change).

Tag moves, the other kind well over vanilla: a CPU profile of `--flood pins=50` puts 20 % of the widget's script in
taking frames in (the socket's message copied into wasm, decoded, queued for the next animation frame; the futures
behind the socket wake a task per message), 13 % in folding them into the store and 11 % in setting the moved tags'
`transform`; the rest is spread over the reactive graph, wasm-bindgen's glue and the browser's callbacks.

Long tasks under the gift flood: `e2e/gift-flood.test.mjs` with a DevTools trace of the viewer's main thread added
for the flood's 20 s, ten runs. In six, the page's `PerformanceObserver` saw 2–4 long tasks of 50–113 ms; in none
did the trace hold a main-thread task over 50 ms. In the last three runs the longest tasks took 20–28 ms of wall
time and 0.3–4.4 ms on a core: the viewer's thread was waiting for a core (the debug server, the page of 25
senders and the viewer share two), not working.
""")

report.write(keep(sys.stdout.getvalue(), open("BENCHMARKS.md").read() if os.path.exists("BENCHMARKS.md") else ""))
