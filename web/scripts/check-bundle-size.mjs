// After `vite build`: checks that the JavaScript a first load fetches (the
// entry script and the chunks index.html preloads) stays under the budget
// of issue 6 (300 KB gzipped), and writes a .gz beside every compressible
// file so the server can send it to browsers that accept gzip.
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const budgetBytes = 300 * 1024;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

for (const path of walk(dist)) {
  if (!/\.(js|css|html|svg|json|webmanifest)$/.test(path)) continue;
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
}

const html = readFileSync(join(dist, "index.html"), "utf8");
const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const script of scripts) {
  const size = gzipSync(readFileSync(join(dist, script)), { level: 9 }).length;
  total += size;
  console.log(`first load: ${script} ${(size / 1024).toFixed(1)} KB gzipped`);
}
console.log(`first-load JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${budgetBytes / 1024} KB)`);
if (scripts.length === 0 || total > budgetBytes) {
  console.error("first-load JavaScript is over budget (or no script found in index.html)");
  process.exit(1);
}
