// Fails when a built bundle (brotli, as the browser receives it) grows more than 5 % past
// the size recorded in scripts/bundle-budget.json. The dashboard's first load has a
// budget (docs/PERFORMANCE.md); this keeps changes from eating it unnoticed.
//
//   node scripts/check-bundles.js target/site/pkg
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const budget = JSON.parse(fs.readFileSync(path.join(__dirname, 'bundle-budget.json'), 'utf8'));
let failed = false;
for (const [name, recorded] of Object.entries(budget)) {
  if (name === 'comment' || typeof recorded !== 'number') continue;
  const file = path.join(dir, `${name}.br`);
  if (!fs.existsSync(file)) {
    console.error(`bundle check: ${file} is missing; build the site first`);
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
  const file = path.join(dir, `${name}.br`);
  return n + (fs.existsSync(file) ? fs.statSync(file).size : 0);
}, 0);
if (sum > firstLoad.max) {
  console.error(`bundle check FAILED: the dashboard's first-load assets take ${sum} B brotli, over ${firstLoad.max} B; the first load would pass 250 KB`);
  failed = true;
} else {
  console.log(`bundle check: the dashboard's first-load assets take ${sum} B brotli (at most ${firstLoad.max} B)`);
}
process.exit(failed ? 1 : 0);
