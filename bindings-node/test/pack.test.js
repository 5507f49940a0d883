'use strict'
// `npm pack` gives a package that installs into an empty folder and runs an example, from
// both require and import.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')

const ROOT = path.join(__dirname, '..')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function npm(args, cwd) {
  return execFileSync(NPM, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

test('npm pack installs into an empty folder and runs', { timeout: 180_000 }, (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-push-pack-'))
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  // Stage a copy of the package with debug info stripped from the (debug) native module so
  // the tarball stays small; `npm pack` then applies package.json's `files` as usual.
  const stage = path.join(tmp, 'stage')
  fs.mkdirSync(stage)
  for (const entry of fs.readdirSync(ROOT)) {
    if (['node_modules', 'build', 'target'].includes(entry) || entry.endsWith('.tgz')) continue
    fs.cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true })
  }
  for (const name of fs.readdirSync(stage).filter((n) => n.endsWith('.node'))) {
    spawnSync('strip', ['--strip-debug', path.join(stage, name)])
  }
  const [{ filename, files }] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], stage))
  const names = files.map((f) => f.path)
  for (const must of ['index.js', 'index.mjs', 'index.d.ts', 'testing.js', 'testing.mjs', 'testing.d.ts', 'express.js', 'express.mjs', 'express.d.ts', 'native.js', 'native.d.ts', 'package.json', 'README.md']) {
    assert.ok(names.includes(must), `${must} is packed`)
  }
  assert.ok(names.some((n) => n.endsWith('.node')), 'the native module is packed')
  assert.ok(!names.some((n) => /^(test|src|examples|node_modules)\//.test(n)), `only the package files: ${names}`)
  const tarball = path.join(tmp, filename)

  const app = path.join(tmp, 'app')
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }))
  npm(['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], app)
  const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'omi-push', 'package.json'), 'utf8'))
  assert.equal(installed.name, 'omi-push')
  assert.deepEqual(installed.dependencies ?? {}, {}, 'no runtime dependencies')

  fs.copyFileSync(path.join(__dirname, 'fixtures', 'consumer.cjs'), path.join(app, 'consumer.cjs'))
  const cjs = spawnSync(process.execPath, ['consumer.cjs'], { cwd: app, encoding: 'utf8', timeout: 30_000 })
  assert.equal(cjs.status, 0, cjs.stderr)
  assert.equal(cjs.stdout, 'cjs confirmed OMI_NOT_FOUND\n')

  fs.copyFileSync(path.join(__dirname, 'fixtures', 'esm.mjs'), path.join(app, 'esm.mjs'))
  const esm = spawnSync(process.execPath, ['esm.mjs'], { cwd: app, encoding: 'utf8', timeout: 30_000 })
  assert.equal(esm.status, 0, esm.stderr)
  assert.equal(esm.stdout, 'esm confirmed\n')
})
