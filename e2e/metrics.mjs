// Measurements the end-to-end runs leave for scripts/bench_report.py.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const OUT = process.env.E2E_OUT ?? 'target/e2e';

/** Adds `values` under `name` in OUT/metrics.json (test files run one after another). */
export function record(name, values) {
  const file = `${OUT}/metrics.json`;
  const metrics = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  metrics[name] = values;
  writeFileSync(file, JSON.stringify(metrics, null, 2));
}
