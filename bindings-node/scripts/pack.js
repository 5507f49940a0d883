'use strict'
// Packs the npm artifacts of omi-push from given native files, in napi-rs's per-platform
// layout: the main package (JavaScript only; its package.json gains `optionalDependencies`,
// one `omi-push-<platform>` per `napi.targets` entry, as `napi prepublish` writes them), one
// package per platform with its `.node` (npm/<platform>/), and the testing kit
// `omi-push-testing` (testing/, the simulator's own `.node`). Prints a JSON summary (tarball
// paths, packed and unpacked sizes).
//
//   node scripts/pack.js --out DIR --addon linux-x64-gnu=PATH --testing-addon linux-x64-gnu=PATH [--strip debug|all]
//
// --strip runs `strip` on the copies that are packed (`debug`: the debug sections of a debug
// build, to keep the tarball small for tests; `all`: the release build's symbol table too).
//
// Only the platforms given with --addon are packed (here: linux-x64-gnu).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { platformOfTriple } = require('../lib/platform.js')

const ROOT = path.join(__dirname, '..')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const SKIP = new Set(['node_modules', 'build', 'target', 'test', 'testing', 'npm', 'scripts', 'src', 'examples'])

function parse(argv) {
  const opts = { addons: {}, testingAddons: {}, strip: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const pair = () => {
      const [k, v] = argv[++i].split('=')
      return [k, path.resolve(v)]
    }
    if (a === '--out') opts.out = path.resolve(argv[++i])
    else if (a === '--addon') (([k, v]) => (opts.addons[k] = v))(pair())
    else if (a === '--testing-addon') (([k, v]) => (opts.testingAddons[k] = v))(pair())
    else if (a === '--strip') opts.strip = argv[++i]
    else throw new Error(`unknown argument ${a}`)
  }
  if (!opts.out) throw new Error('--out DIR is required')
  if (![null, 'debug', 'all'].includes(opts.strip)) throw new Error('--strip debug|all')
  return opts
}

function copyAddon(from, to, strip) {
  fs.copyFileSync(from, to)
  if (strip === 'debug') execFileSync('strip', ['--strip-debug', to])
  if (strip === 'all') execFileSync('strip', [to])
}

function pack(dir, out) {
  const [info] = JSON.parse(
    execFileSync(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }),
  )
  return { name: info.name, tarball: path.join(out, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) }
}

function main() {
  const opts = parse(process.argv.slice(2))
  fs.mkdirSync(opts.out, { recursive: true })
  const stageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-push-stage-'))
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    const results = []

    // The main package: no native code of its own.
    const main = path.join(stageRoot, 'omi-push')
    fs.mkdirSync(main)
    for (const entry of fs.readdirSync(ROOT)) {
      if (SKIP.has(entry) || entry.endsWith('.tgz') || entry.endsWith('.node')) continue
      fs.cpSync(path.join(ROOT, entry), path.join(main, entry), { recursive: true })
    }
    const platforms = pkg.napi.targets.map(platformOfTriple)
    pkg.optionalDependencies = Object.fromEntries(platforms.map((p) => [`omi-push-${p}`, pkg.version]))
    fs.writeFileSync(path.join(main, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
    results.push(pack(main, opts.out))

    // One package per platform given.
    for (const [platform, addon] of Object.entries(opts.addons)) {
      const dir = path.join(stageRoot, platform)
      fs.cpSync(path.join(ROOT, 'npm', platform), dir, { recursive: true })
      copyAddon(addon, path.join(dir, `omi-push.${platform}.node`), opts.strip)
      results.push(pack(dir, opts.out))
    }

    // The testing kit, with the simulator's addon of each platform given.
    const kit = path.join(stageRoot, 'testing')
    fs.mkdirSync(kit)
    for (const f of ['package.json', 'index.js', 'README.md']) fs.copyFileSync(path.join(ROOT, 'testing', f), path.join(kit, f))
    for (const [platform, addon] of Object.entries(opts.testingAddons)) {
      copyAddon(addon, path.join(kit, `omi-push-testing.${platform}.node`), opts.strip)
    }
    results.push(pack(kit, opts.out))

    process.stdout.write(JSON.stringify(results, null, 2) + '\n')
  } finally {
    fs.rmSync(stageRoot, { recursive: true, force: true })
  }
}

main()
