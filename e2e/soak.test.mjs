// A bounded soak: the demo show played 20× fast (a 30-minute show in 90 s:
// 20 loops of pins and unpins) against one viewer that also shops, while the
// page's JS heap (after GC) and DOM node count are sampled. Both must stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, launchChromium, record } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const SPEED = 20;
const SOAK_MS = 90_000;
const SAMPLE_MS = 10_000;

test('a 30-minute show compressed to 90 s keeps heap and DOM bounded', async () => {
  const port = await freePort();
  const db = join(mkdtempSync(join(tmpdir(), 'lapak-soak-')), 'soak.db');
  const server = spawn(BIN, ['--port', String(port), '--db', db, '--speed', String(SPEED)], { stdio: 'ignore' });
  const browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (let i = 0; i < 50; i++) {
      try { await page.goto(`http://127.0.0.1:${port}/`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    await page.locator('[data-testid^="tag-"]').first().waitFor({ timeout: 20000 });
    const samples = [];
    const started = Date.now();
    while (Date.now() - started < SOAK_MS) {
      // Shop a little on every sample: tap whatever single-variant product is pinned.
      const tags = await page.locator('[data-testid^="tag-"]:not([aria-haspopup])').all();
      if (tags.length) await tags[0].click().catch(() => {});
      await page.waitForTimeout(SAMPLE_MS);
      samples.push(await page.evaluate(() => {
        window.gc();
        return { heap: performance.memory.usedJSHeapSize, nodes: document.getElementsByTagName('*').length };
      }));
    }
    const heaps = samples.map((s) => s.heap);
    const nodes = samples.map((s) => s.nodes);
    record('soak', { speed: SPEED, seconds: SOAK_MS / 1000, heap_bytes: heaps, dom_nodes: nodes });
    const [firstHeap, lastHeap] = [heaps[0], heaps.at(-1)];
    assert.ok(lastHeap < firstHeap * 1.5 + 1_000_000, `heap grew from ${firstHeap} to ${lastHeap}`);
    assert.ok(Math.max(...nodes) < 400, `DOM nodes peaked at ${Math.max(...nodes)}`);
    assert.equal(await page.getByTestId('connection-status').getAttribute('data-state'), 'live');
  } finally {
    await browser.close();
    server.kill('SIGKILL');
  }
});
