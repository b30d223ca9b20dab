// Live video figures for BENCHMARKS.md (run by `./x bench`, not by `./x test`): the release
// server packaging the demo clip that a real ffmpeg publishes over RTMP.
// - CPU and memory of one packaging ffmpeg, passthrough and with the 360p rendition, each
//   over PACKAGER_MS once it runs;
// - one viewer watching for SOAK_MS (10 minutes): time to the first frame, stalls (the player
//   buffering after it first played), the delay from the server receiving a frame to the screen
//   showing it, and the tag sync error of every pin shown (programme time of the frame on screen
//   when the tag appeared, minus the pin's); for a tag over 50 ms late, the frame callbacks the
//   browser skipped and the frames the player dropped between its time and its showing; and
//   the frames the timeline held that were neither shown nor counted as dropped.
//   SOAK_DUMP=<file> also writes every pin, tag insertion and frame callback of the run.
// Into E2E_OUT/metrics.json as `live_bench`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { framesNeverShown, launchChromium, percentile, processUsage as usage, publishClip, record, serveLive, stopChild, streamKey, tagErrors, watchLive, PHONE } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/release/lapak-server';
const SOAK_MS = Number(process.env.SOAK_MS ?? 600_000);
const PACKAGER_MS = Number(process.env.PACKAGER_MS ?? 60_000);
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
    const { pins, seen, states, skipped, drops, frames } = await page.evaluate(() => ({
      pins: window.pins, seen: window.seen, states: window.states, skipped: window.skipped, drops: window.drops, frames: window.frames,
    }));
    if (process.env.SOAK_DUMP) writeFileSync(process.env.SOAK_DUMP, JSON.stringify({ pins, seen, frames }));
    const firstLive = states.findIndex((s) => s.state === 'live');
    const stallTimes = states.slice(firstLive).filter((s) => s.state === 'buffering')
      .map((s) => Math.round((s.at - states[firstLive].at) / 1000));
    const stalls = stallTimes.length;
    const shown = tagErrors(pins, seen);
    const errors = shown.map((s) => s.error);
    // A late tag, and whether, between its time and its showing, the browser skipped frame
    // callbacks or the player dropped frames.
    const near = (list, s) => list.filter((k) => k.programme >= s.at - 200 && k.programme <= s.at + s.error)
      .reduce((n, k) => n + k.frames, 0);
    const late = shown.filter((s) => s.error > 50).map((s) => ({
      error_ms: s.error,
      callbacks_skipped: near(skipped, s),
      frames_dropped: near(drops, s),
    }));
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
      late_tags: late,
      frame_callbacks_skipped: skipped.reduce((n, k) => n + k.frames, 0),
      frames_dropped: drops.reduce((n, k) => n + k.frames, 0),
      frames_never_shown: framesNeverShown(frames),
    };
  } finally {
    await browser.close();
  }
});
