// Assembles the omi-push npm package for the benchmark: the files `npm pack` would ship from
// bindings-node, with the release native library (cargo build --release -p omi-push-node) in
// place of the debug one that `make -C bindings-node build` leaves there.
//   node assemble.mjs BINDINGS_NODE_DIR RELEASE_LIBRARY OUT_DIR
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'

const [src, lib, out] = process.argv.slice(2)
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: src, encoding: 'utf8' }))
rmSync(out, { recursive: true, force: true })
for (const { path } of pack.files) {
  if (path.endsWith('.node')) continue
  mkdirSync(dirname(join(out, path)), { recursive: true })
  copyFileSync(join(src, path), join(out, path))
}
// The addon the package loads for this platform (`omi-push.<platform>.node`, beside index.js,
// whether or not the packed files list it): the name `make build` gave the debug one, the
// release library's content.
const addons = readdirSync(src).filter((f) => f.startsWith(`${pack.name}.`) && f.endsWith('.node'))
if (addons.length === 0) throw new Error(`no ${pack.name}.<platform>.node in ${src}: run its make build first`)
for (const f of addons) copyFileSync(lib, join(out, f))
console.log(`assembled ${pack.files.length} files of ${pack.name}@${pack.version} in ${out}`)
