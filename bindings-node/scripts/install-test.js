'use strict'
// Installs packed omi-push tarballs (scripts/pack.js) into an empty folder outside the repo,
// as a user would, and runs a short flow against the simulator:
//   1. omi-push + omi-push-linux-x64-gnu only: `omi-push` loads; `omi-push/testing` throws an
//      error that names the package to install; a platform with no binary (forced with
//      OMI_PUSH_NATIVE_PLATFORM) throws an error naming it and the supported list;
//   2. + omi-push-testing: push -> approve on the simulator -> confirmed, from require and import.
//
//   node scripts/install-test.js TARBALL_DIR
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures')

function npm(args, cwd) {
  return execFileSync(NPM, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function node(cwd, args, env = {}) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } })
}

function main() {
  const dir = path.resolve(process.argv[2] ?? '.')
  const tarballs = fs.readdirSync(dir).filter((n) => n.endsWith('.tgz'))
  const pick = (re) => {
    const found = tarballs.filter((n) => re.test(n))
    assert.equal(found.length, 1, `one tarball matching ${re} in ${dir}: ${tarballs}`)
    return path.join(dir, found[0])
  }
  const main = pick(/^omi-push-\d/)
  const platform = pick(/^omi-push-linux-x64-gnu-\d/)
  const testing = pick(/^omi-push-testing-\d/)

  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-push-npm-app-'))
  try {
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }))
    const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock']
    npm(['install', main, platform, ...flags], app)
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'omi-push', 'package.json'), 'utf8'))
    assert.deepEqual(installed.dependencies ?? {}, {}, 'no runtime dependencies')
    assert.deepEqual(installed.optionalDependencies, { 'omi-push-linux-x64-gnu': installed.version })
    console.log(`installed into ${app}: ${fs.readdirSync(path.join(app, 'node_modules')).join(', ')}`)

    const plain = node(app, ['-e', "const { Client } = require('omi-push'); console.log(typeof Client)"])
    assert.equal(plain.status, 0, plain.stderr)
    const noKit = node(app, ['-e', "require('omi-push/testing')"])
    assert.notEqual(noKit.status, 0)
    assert.match(noKit.stderr, /npm install --save-dev omi-push-testing/)
    console.log(`without the kit: ${noKit.stderr.match(/Error: (omi-push\/testing needs[^\n]*)/)[1]}`)
    const elsewhere = node(app, ['-e', "require('omi-push')"], { OMI_PUSH_NATIVE_PLATFORM: 'darwin-arm64' })
    assert.notEqual(elsewhere.status, 0)
    assert.match(elsewhere.stderr, /no native library for this platform \(darwin-arm64\)\. Supported platforms: linux-x64-gnu\./)
    console.log(`on darwin-arm64: ${elsewhere.stderr.match(/Error: (omi-push: no native[^\n]*)/)[1]}`)

    npm(['install', main, platform, testing, ...flags], app)
    for (const [fixture, expected] of [
      ['consumer.cjs', 'cjs confirmed OMI_NOT_FOUND\n'],
      ['esm.mjs', 'esm confirmed\n'],
    ]) {
      fs.copyFileSync(path.join(FIXTURES, fixture), path.join(app, fixture))
      const run = node(app, [fixture])
      assert.equal(run.status, 0, run.stderr)
      assert.equal(run.stdout, expected)
      console.log(`with the kit, ${fixture}: ${run.stdout.trim()}`)
    }
    console.log('npm install test: passed')
  } finally {
    fs.rmSync(app, { recursive: true, force: true })
  }
}

main()
