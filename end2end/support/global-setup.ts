// Starts the real ccjobs server on its own fresh SQLite database and records the
// credentials it prints on first start.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseURL, bin, databaseUrl, parseBanner, port, stateDir } from './server';

export default async function globalSetup() {
  if (!fs.existsSync(bin)) throw new Error(`no ccjobs binary at ${bin}; run \`make test\` (it builds one)`);
  fs.rmSync(stateDir, { recursive: true, force: true });
  fs.mkdirSync(stateDir, { recursive: true });
  const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(__dirname, '..', '..', 'target', 'site');
  const server = spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`, '--database', databaseUrl], {
    env: { ...process.env, LEPTOS_SITE_ROOT: siteRoot, RUST_LOG: process.env.RUST_LOG ?? 'ccjobs=info,warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(path.join(stateDir, 'server.log'));
  server.stderr.pipe(log);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ccjobs did not start within 30 s:\n${out}`)), 30_000);
    server.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      log.write(chunk);
      if (out.includes(`listening on ${baseURL}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`ccjobs exited with ${code} before listening:\n${out}`)));
  });
  const credentials = parseBanner(out);
  if (!credentials) throw new Error(`ccjobs printed no API key and sign-in link on first start:\n${out}`);
  fs.writeFileSync(path.join(stateDir, 'first-account.json'), JSON.stringify(credentials));
  fs.writeFileSync(path.join(stateDir, 'server.pid'), String(server.pid));
  server.unref();
}
