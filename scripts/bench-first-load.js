// First page load of the dashboard in headless chromium: bytes on the wire (compressed, as
// the browser received them) per type, and time until the page is interactive (hydrated).
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
    await cdp.send('Network.enable');
    const bytes = {};
    const types = {};
    cdp.on('Network.responseReceived', (e) => { types[e.requestId] = e.type; });
    cdp.on('Network.loadingFinished', (e) => {
      const t = types[e.requestId] ?? 'Other';
      bytes[t] = (bytes[t] ?? 0) + e.encodedDataLength;
    });
    const start = Date.now();
    await page.goto(base);
    await page.waitForSelector('body[data-hydrated="true"]');
    const interactive = Date.now() - start;
    await page.waitForLoadState('networkidle');
    results.push({ interactive, bytes });
    await context.close();
  }
  await browser.close();
  server.kill('SIGTERM');

  const tti = results.map((r) => r.interactive).sort((a, b) => a - b);
  const pct = (q) => tti[Math.min(tti.length - 1, Math.floor(tti.length * q))];
  const last = results[results.length - 1].bytes;
  const total = Object.values(last).reduce((a, b) => a + b, 0);
  console.log(`first load over ${runs} cold runs (release server, loopback):`);
  for (const [type, n] of Object.entries(last)) console.log(`  ${type.padEnd(10)} ${n} B = ${(n / 1024).toFixed(1)} KiB on the wire`);
  console.log(`  total      ${total} B = ${(total / 1024).toFixed(1)} KiB on the wire (headers included)`);
  console.log(`  time to interactive (hydrated): p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${tti[tti.length - 1]} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });
