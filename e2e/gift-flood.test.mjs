// A gift flood: 25 senders (plain WebSockets from a second page) send 200
// gifts/s in all for 20 s to a server of its own, while one viewer watches.
// The viewer's frames (requestAnimationFrame deltas), long tasks, JS heap and
// DOM are recorded for BENCHMARKS.md; the test itself asserts what must hold
// under any load: every gift is answered once, the lane stays bounded (three
// rows and a summary) and empties afterwards, and the viewer is still live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameStats, launchChromium, record, sampleMemory, startServer, watchFrames } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const SENDERS = 25;
const PER_SENDER_PER_SECOND = 8;
const FLOOD_MS = 20_000;

/** Runs in the sender page: each sender buys 500 coins, then sends roses and iced coffees. */
async function flood({ senders, perSecond, ms }) {
  const url = `ws://${location.host}/ws`;
  const id = () => crypto.randomUUID();
  const card = { number: '4242424242424242', expiry: '12/39', cvc: '123' };
  const gifts = [['rose', 1], ['coffee', 10]];
  const one = () => new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let sent = 0, acked = 0, refused = 0, twice = 0, welcomed = false, timer;
    const codes = {};
    const waiting = new Set();
    const answered = (msg) => (waiting.delete(msg.id) ? 1 : ((twice += 1), 0));
    socket.onopen = () => socket.send(JSON.stringify({ type: 'Hello', protocol: 1 }));
    socket.onerror = reject;
    socket.onmessage = ({ data }) => {
      const msg = JSON.parse(data);
      // A sender that falls behind gets a fresh Welcome; it tops up on the first only.
      if (msg.type === 'Welcome' && !welcomed) {
        welcomed = true;
        const pack = msg.show.coin_packs.find((p) => p.id === 'coins-6000');
        socket.send(JSON.stringify({ type: 'TopUp', id: id(), pack_id: pack.id, price: pack.price, card }));
      } else if (msg.type === 'Ack' && msg.wallet && sent === 0 && !timer) {
        const started = performance.now();
        timer = setInterval(() => {
          if (performance.now() - started >= ms) {
            clearInterval(timer);
            // A busy machine answers late, not never: wait for the last answers (up to 30 s),
            // then 1 s more for any answer that comes twice.
            const ends = performance.now() + 30_000;
            const settle = setInterval(() => {
              if (waiting.size > 0 && performance.now() < ends) return;
              clearInterval(settle);
              setTimeout(() => { socket.close(); resolve({ sent, acked, refused, twice, codes }); }, 1000);
            }, 100);
            return;
          }
          const [gift_id, coins] = gifts[Math.random() < 0.8 ? 0 : 1];
          const gift = { type: 'SendGift', id: id(), gift_id, count: 1, coins };
          waiting.add(gift.id);
          socket.send(JSON.stringify(gift));
          sent += 1;
        }, 1000 / perSecond);
      } else if (msg.type === 'Ack' && timer) {
        acked += answered(msg);
      } else if (msg.type === 'Reject') {
        refused += answered(msg);
        codes[msg.code] = (codes[msg.code] ?? 0) + 1;
      }
    };
  });
  return Promise.all(Array.from({ length: senders }, one));
}

const laneNodes = (page) => page.evaluate(
  () => document.querySelectorAll('[data-testid="gift-lane"], [data-testid="gift-lane"] *').length,
);

test('200 gifts/s for 20 s: every gift answered once, the lane bounded, then empty', async () => {
  // A busy machine delays the senders' timers and then lets them catch up in bursts;
  // the rate limiter is not under test here, so it is set well above the senders' pace.
  const limits = ['--rate-burst', '1000', '--rate-per-second', '1000'];
  const server = await startServer(BIN, limits);
  const browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  try {
    const viewer = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await viewer.goto(server.url);
    await viewer.getByTestId('wallet').waitFor({ timeout: 20000 });
    await viewer.waitForTimeout(1000);
    const before = await sampleMemory(viewer);
    const senders = await browser.newPage();
    await senders.goto(`${server.url}healthz`);
    const probes = { rows: '[data-testid="gift-lane-row"]', summary: '[data-testid="gift-lane-more"]' };
    const [watched, results] = await Promise.all([
      viewer.evaluate(watchFrames, { ms: FLOOD_MS, probes }),
      senders.evaluate(flood, { senders: SENDERS, perSecond: PER_SENDER_PER_SECOND, ms: FLOOD_MS }),
    ]);
    await viewer.waitForTimeout(5000); // the lane empties
    const after = await sampleMemory(viewer);
    const sent = results.reduce((n, r) => n + r.sent, 0);
    const acked = results.reduce((n, r) => n + r.acked, 0);
    const refused = results.reduce((n, r) => n + r.refused, 0);
    const twice = results.reduce((n, r) => n + r.twice, 0);
    record('gift_flood', {
      senders: SENDERS,
      seconds: FLOOD_MS / 1000,
      gifts_sent: sent,
      gifts_acked: acked,
      gifts_refused: refused,
      gifts_per_second: sent / (FLOOD_MS / 1000),
      ...frameStats(watched),
      heap_bytes: [before.heap, after.heap],
      dom_nodes: [before.nodes, after.nodes],
      lane_rows_max: watched.most.rows,
    });
    assert.ok(sent >= SENDERS * PER_SENDER_PER_SECOND * (FLOOD_MS / 1000) * 0.8, `only ${sent} gifts sent`);
    assert.equal(twice, 0, 'no gift is answered twice');
    assert.equal(acked + refused, sent, 'every gift is answered');
    const codes = results.map((r) => JSON.stringify(r.codes)).filter((c) => c !== '{}');
    assert.equal(refused, 0, `every sender had the coins; refusals: ${codes.join(' ')}`);
    assert.ok(watched.most.rows <= 3, `the lane grew to ${watched.most.rows} rows`);
    assert.ok(watched.most.summary > 0, 'gifts that do not fit are summed up');
    assert.equal(await laneNodes(viewer), 1, 'the lane empties once the gifts stop');
    assert.equal(await viewer.getByTestId('connection-status').getAttribute('data-state'), 'live');
  } finally {
    await browser.close();
    server.stop();
  }
});
