// Writes .br (quality 11) and .gz (level 9) next to each built asset, once per build, so
// the server sends the smallest encoding without compressing on every request.
// Node's zlib has brotli built in: nothing to install.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const dir = process.argv[2];
for (const name of fs.readdirSync(dir)) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const file = path.join(dir, name);
  const data = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(data, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
  console.log(`${name}: ${data.length} B, brotli ${br.length} B`);
}
