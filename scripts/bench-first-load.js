// First page load of the dashboard in headless chromium: bytes on the wire (compressed, as
// the browser received them, headers included) per part, and time until the page is
// interactive (hydrated). Then a second load in the same browser: the assets' names carry
// a content hash and are cached for a year, so only the page itself comes again.
//
//   node scripts/bench-first-load.js [RUNS]
//
// Starts the release server (target/release/ccjobs, or $CCJOBS_BIN) on a fresh database in a temp folder,
// signs in, submits 25 jobs so the table is full, then loads / RUNS times (default 20).
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('../end2end/node_modules/playwright-core');

const root = path.join(__dirname, '..');
const bin = process.env.CCJOBS_BIN ?? path.join(root, 'target', 'release', 'ccjobs');
const port = 3931;
const base = `http://127.0.0.1:${port}`;
const runs = Number(process.argv[2] ?? 20);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccjobs-bench-'));
  const db = `sqlite://${dir}/bench.db`;
  const server = spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`, '--database', db], {
    env: { ...process.env, LEPTOS_SITE_ROOT: path.join(root, 'target', 'site') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise((resolve) => server.stdout.on('data', (c) => { out += c; if (out.includes('listening on')) resolve(); }));
  const key = out.match(/(ccj_[0-9a-f]+)/)[1];
  const srt = '1\n00:00:01,000 --> 00:00:02,000\nHello\n';
  for (let i = 0; i < 25; i++) {
    const form = new FormData();
    form.append('config', JSON.stringify({ job_type: 'convert', source_profile: 'SubRip Video Subtitle Script', target_profile: 'WebVTT' }));
    form.append('source', new Blob([srt]), `episode-${i}.srt`);
    await fetch(`${base}/jobs`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
  }
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const signIn = await browser.newContext();
  const page0 = await signIn.newPage();
  await page0.goto(`${base}/sign-in`);
  await page0.fill('#api-key', key);
  await page0.click('button[type=submit]');
  await page0.waitForSelector('table');
  const cookies = await signIn.cookies();

  const results = [];
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext(); // a cold cache every run
    await context.addCookies(cookies);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const received = onTheWire(cdp);
    await cdp.send('Network.enable');
    const start = Date.now();
    await page.goto(base);
    await page.waitForSelector('body[data-hydrated="true"]');
    const interactive = Date.now() - start;
    await page.waitForLoadState('networkidle');
    results.push({ interactive, bytes: received.bytes, names: received.names });
    if (r === runs - 1) {
      // The same browser again: what a returning user's load costs.
      received.reset();
      await page.goto(base);
      await page.waitForSelector('body[data-hydrated="true"]');
      await page.waitForLoadState('networkidle');
      results.repeat = { ...received.bytes };
    }
    await context.close();
  }
  await browser.close();
  server.kill('SIGTERM');

  const tti = results.map((r) => r.interactive).sort((a, b) => a - b);
  const pct = (q) => tti[Math.min(tti.length - 1, Math.floor(tti.length * q))];
  const last = results[results.length - 1];
  const sum = (bytes) => Object.values(bytes).reduce((a, b) => a + b, 0);
  const total = sum(last.bytes);
  console.log(`first load over ${runs} cold runs (release server, loopback):`);
  for (const [part, n] of Object.entries(last.bytes)) {
    console.log(`  ${part.padEnd(10)} ${String(n).padStart(7)} B = ${(n / 1024).toFixed(1).padStart(5)} KiB on the wire  ${[...new Set(last.names[part])].join(" ")}`);
  }
  console.log(`  total      ${String(total).padStart(7)} B = ${(total / 1024).toFixed(1).padStart(5)} KiB on the wire (headers included)`);
  console.log(`  time to interactive (hydrated): p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${tti[tti.length - 1]} ms`);
  const again = Object.entries(results.repeat).map(([part, n]) => `${part} ${n} B`).join(', ');
  console.log(`second load, same browser: ${sum(results.repeat)} B on the wire (${again || 'nothing'})`);
}

/** Bytes received per part of the page (HTML, JS, WASM, CSS, other), counted through CDP. */
function onTheWire(cdp) {
  const parts = {};
  let bytes = {};
  const names = { HTML: [], JS: [], WASM: [], CSS: [], other: [] };
  const partOf = (e) => {
    if (e.type === 'Document') return 'HTML';
    const file = new URL(e.response.url).pathname;
    const ext = file.slice(file.lastIndexOf('.') + 1);
    return { js: 'JS', wasm: 'WASM', css: 'CSS' }[ext] ?? 'other';
  };
  cdp.on('Network.responseReceived', (e) => {
    const part = partOf(e);
    parts[e.requestId] = part;
    names[part].push(new URL(e.response.url).pathname);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const part = parts[e.requestId] ?? 'other';
    bytes[part] = (bytes[part] ?? 0) + e.encodedDataLength;
  });
  return {
    get bytes() { return bytes; },
    names,
    reset() { bytes = {}; },
  };
}

main().catch((e) => { console.error(e); process.exit(1); });
