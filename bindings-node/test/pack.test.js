'use strict'
// The packed packages (scripts/pack.js: omi-push, omi-push-linux-x64-gnu, omi-push-testing)
// install into an empty folder and run, from both require and import (scripts/install-test.js).
// Here from the debug build (debug info stripped, so the tarballs stay small); `make package`
// and `make package-test` do the same with the release build.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const ROOT = path.join(__dirname, '..')

test('the packed packages install into an empty folder and run', { timeout: 240_000 }, (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-push-pack-'))
  t.after(() => fs.rmSync(out, { recursive: true, force: true }))
  const packed = JSON.parse(
    execFileSync(
      process.execPath,
      [
        'scripts/pack.js', '--out', out, '--strip', 'debug',
        '--addon', `linux-x64-gnu=${path.join(ROOT, 'omi-push.linux-x64-gnu.node')}`,
        '--testing-addon', `linux-x64-gnu=${path.join(ROOT, 'testing', 'omi-push-testing.linux-x64-gnu.node')}`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    ),
  )
  const byName = Object.fromEntries(packed.map((p) => [p.name, p]))
  const main = byName['omi-push'].files
  for (const must of ['index.js', 'index.mjs', 'index.d.ts', 'testing.js', 'testing.mjs', 'testing.d.ts', 'express.js', 'express.mjs', 'express.d.ts', 'native.js', 'native.d.ts', 'lib/platform.js', 'package.json', 'README.md']) {
    assert.ok(main.includes(must), `${must} is packed`)
  }
  assert.ok(!main.some((n) => n.endsWith('.node')), `the main package has no native code: ${main}`)
  assert.ok(!main.some((n) => /^(test|src|examples|node_modules|testing|npm|scripts)\//.test(n)), `only the package files: ${main}`)
  assert.deepEqual(byName['omi-push-linux-x64-gnu'].files.sort(), ['README.md', 'omi-push.linux-x64-gnu.node', 'package.json'])
  assert.ok(byName['omi-push-testing'].files.includes('omi-push-testing.linux-x64-gnu.node'))

  const log = execFileSync(process.execPath, ['scripts/install-test.js', out], { cwd: ROOT, encoding: 'utf8' })
  assert.match(log, /npm install test: passed/)
})
