// Stops the server that global-setup started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stateDir } from './server';

export default async function globalTeardown() {
  const pidFile = path.join(stateDir, 'server.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  fs.rmSync(pidFile);
}
