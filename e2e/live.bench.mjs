// Live video figures for BENCHMARKS.md (run by `./x bench`, not by `./x test`): the release
// server packaging the demo clip that a real ffmpeg publishes over RTMP.
// - CPU and memory of one packaging ffmpeg, passthrough and with the 360p rendition, each
//   over PACKAGER_MS once it runs;
// - one viewer watching for SOAK_MS (10 minutes): time to the first frame, stalls (the player
//   buffering after it first played), the delay from the server receiving a frame to the screen
//   showing it, and the tag sync error of every pin shown (programme time of the frame on screen
//   when the tag appeared, minus the pin's).
// Into E2E_OUT/metrics.json as `live_bench`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, percentile, publishClip, record, serveLive, stopChild, streamKey, watchLive, PHONE } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/release/lapak-server';
const SOAK_MS = Number(process.env.SOAK_MS ?? 600_000);
const PACKAGER_MS = Number(process.env.PACKAGER_MS ?? 60_000);
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const children = [];
const dir = mkdtempSync(join(tmpdir(), 'lapak-live-bench-'));
const figures = {};

after(async () => {
  for (const child of children) await stopChild(child);
  record('live_bench', figures);
});

/** A live copy of the demo show, `extra` lines added to its `[video]` table. */
function liveShow(name, extra = '') {
  const path = join(dir, `${name}.toml`);
  const demo = readFileSync('server/shows/demo.toml', 'utf8');
  writeFileSync(path, demo.replace(/^source = "ingest"$/m, `source = "ingest"\n${extra}`));
  return path;
}

async function goLive(name, extra) {
  const server = await serveLive(BIN, dir, name, ['--show', liveShow(name, extra)], children);
  const publisher = await publishClip(server.rtmp, await streamKey(BIN, server), children);
  return { server, publisher };
}

/** The server's packaging ffmpeg (it reads the stream from its standard input). */
function packagerPid(server) {
  const out = spawnSync('pgrep', ['-f', '-P', String(server.child.pid), 'pipe:0'], { encoding: 'utf8' });
  return Number(out.stdout.trim().split('\n')[0]) || null;
}

/** CPU seconds used and resident memory of `pid`, from /proc. */
function usage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const rss = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
  return { cpu, rssKiB: rss };
}

async function waitFor(what, check, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

for (const [label, extra] of [['passthrough', ''], ['with_360p', 'rendition_360p = true']]) {
  test(`one packaging ffmpeg, ${label}`, async () => {
    const { server, publisher } = await goLive(label, extra);
    const pid = await waitFor('the packager', () => packagerPid(server));
    await new Promise((r) => setTimeout(r, 5000)); // past its start-up
    const start = usage(pid);
    const rss = [];
    const t0 = Date.now();
    while (Date.now() - t0 < PACKAGER_MS) {
      await new Promise((r) => setTimeout(r, 1000));
      rss.push(usage(pid).rssKiB);
    }
    const seconds = (Date.now() - t0) / 1000;
    figures[`packager_${label}`] = {
      cpu_percent_of_one_core: Math.round((1000 * (usage(pid).cpu - start.cpu)) / seconds) / 10,
      rss_mib_max: Math.round(Math.max(...rss) / 102.4) / 10,
      seconds: Math.round(seconds),
    };
    await stopChild(publisher);
    await stopChild(server.child);
  });
}

test(`one viewer watching for ${SOAK_MS / 60000} minutes`, async () => {
  const { server } = await goLive('soak', '');
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  try {
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.addInitScript(watchLive);
    const opened = Date.now();
    await page.goto(server.url);
    await page.locator('[data-testid="player"][data-state="live"]').waitFor({ timeout: 60000 });
    const firstFrame = Date.now() - opened;
    const lag = [];
    const t0 = Date.now();
    while (Date.now() - t0 < SOAK_MS) {
      await page.waitForTimeout(1000);
      lag.push(await page.evaluate(() => Date.now() - Number(document.querySelector('[data-testid="player"]').dataset.programmeMs)));
    }
    const { pins, seen, states } = await page.evaluate(() => ({ pins: window.pins, seen: window.seen, states: window.states }));
    const firstLive = states.findIndex((s) => s.state === 'live');
    const stallTimes = states.slice(firstLive).filter((s) => s.state === 'buffering')
      .map((s) => Math.round((s.at - states[firstLive].at) / 1000));
    const stalls = stallTimes.length;
    const errors = pins.flatMap((pin) => {
      const shown = seen.find((s) => s.product === pin.product && s.programme >= pin.at - 1000);
      return shown ? [shown.programme - pin.at] : [];
    });
    assert.ok(errors.length > 0, 'tags were shown');
    const abs = errors.map(Math.abs);
    figures.soak = {
      minutes: SOAK_MS / 60000,
      first_frame_ms: firstFrame,
      stalls,
      stalls_at_s: stallTimes,
      server_to_screen_ms_p50: percentile(lag, 50),
      server_to_screen_ms_p95: percentile(lag, 95),
      tags: errors.length,
      tag_error_ms_p50: percentile(abs, 50),
      tag_error_ms_p95: percentile(abs, 95),
      tag_error_ms_max: Math.max(...abs),
      tag_errors_ms: errors,
    };
  } finally {
    await browser.close();
  }
});
