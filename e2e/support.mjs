// Shared by the end-to-end tests: Debian's Chromium, free ports, measurements.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const OUT = process.env.E2E_OUT ?? 'target/e2e';

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Adds `values` under `name` in OUT/metrics.json (test files run one after another). */
export function record(name, values) {
  const file = `${OUT}/metrics.json`;
  const metrics = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  metrics[name] = values;
  writeFileSync(file, JSON.stringify(metrics, null, 2));
}
