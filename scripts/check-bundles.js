// Fails when a built bundle (brotli, as the browser receives it) grows more than 5 % past
// the size recorded in scripts/bundle-budget.json. The dashboard's first load has a
// budget (docs/PERFORMANCE.md); this keeps changes from eating it unnoticed.
//
//   node scripts/check-bundles.js target/site/pkg
//
// The budget names files as built before hashing (`ccjobs.wasm`); on disk they carry a
// content hash (`ccjobs.3f9a1c2b5e7d0a41.wasm`, scripts/lib.sh).
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const budget = JSON.parse(fs.readFileSync(path.join(__dirname, 'bundle-budget.json'), 'utf8'));
const files = fs.readdirSync(dir);

/** The brotli file of `ccjobs.wasm`: `ccjobs.<hash>.wasm.br`, or null. */
function built(name) {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = [name.slice(0, dot), name.slice(dot + 1)];
  const hashed = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\.[0-9a-f]{16}\\.${ext}\\.br$`);
  const found = files.filter((f) => hashed.test(f));
  if (found.length > 1) throw new Error(`bundle check: more than one ${name} in ${dir}: ${found.join(', ')}; rebuild the site`);
  return found.length === 1 ? path.join(dir, found[0]) : null;
}

let failed = false;
for (const [name, recorded] of Object.entries(budget)) {
  if (name === 'comment' || typeof recorded !== 'number') continue;
  const file = built(name);
  if (!file) {
    console.error(`bundle check: no hashed ${name} (with .br) in ${dir}; build the site first`);
    failed = true;
    continue;
  }
  const size = fs.statSync(file).size;
  const change = ((size - recorded) / recorded) * 100;
  const line = `${name}: ${size} B brotli (recorded ${recorded} B, ${change >= 0 ? '+' : ''}${change.toFixed(1)} %)`;
  if (size > recorded * 1.05) {
    console.error(`bundle check FAILED: ${line}; more than 5 % over. Find what grew (twiggy, docs/PERFORMANCE.md) or record a new figure with a reason.`);
    failed = true;
  } else {
    console.log(`bundle check: ${line}`);
  }
}
const firstLoad = budget['first load'];
const sum = firstLoad.files.reduce((n, name) => {
  const file = built(name);
  return n + (file ? fs.statSync(file).size : 0);
}, 0);
if (sum > firstLoad.max) {
  console.error(`bundle check FAILED: the dashboard's first-load assets take ${sum} B brotli, over ${firstLoad.max} B; the first load would pass ${firstLoad.total} B`);
  failed = true;
} else {
  console.log(`bundle check: the dashboard's first-load assets take ${sum} B brotli (at most ${firstLoad.max} B)`);
}
process.exit(failed ? 1 : 0);
