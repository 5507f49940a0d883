'use strict'
// Whole-process behaviour: scripts exit by themselves, `import` works, no secret reaches any
// output, and a Rust panic becomes an error instead of a crash.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

function run(file, args = [], env = {}) {
  const started = Date.now()
  const r = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', file), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  })
  return { ...r, took: Date.now() - started }
}

for (const mode of ['stop-sim', 'keep-sim']) {
  test(`a script using the client and the simulator exits by itself (${mode})`, () => {
    const r = run('script.cjs', [mode])
    assert.equal(r.error, undefined, `the script did not exit by itself: ${r.error}`)
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /outcome confirmed/)
    assert.ok(r.took < 20_000, `took ${r.took} ms`)
  })
}

test('the package works from import (ESM) and require, with the same classes', () => {
  const r = run('esm.mjs')
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /esm confirmed/)
})

test('the secret and tokens never appear in inspect, JSON, errors or logs', () => {
  const secret = `s3cr3t-${Math.random().toString(36).slice(2)}-value`
  const token = `t0k3n-${Math.random().toString(36).slice(2)}-value`
  const r = run('leak.cjs', [], {
    LEAK_SECRET: secret,
    LEAK_TOKEN: token,
    RUST_LOG: 'trace',
    RUST_BACKTRACE: '1',
    NODE_DEBUG: 'http,net,fetch',
  })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /errors 8 OMI_AUTHENTICATION,OMI_AUTHENTICATION,OMI_SERVER,OMI_TRANSPORT,OMI_TRANSPORT,OMI_CONFIG,OMI_CONFIG,ERR_INVALID_ARG_TYPE/)
  const out = r.stdout + r.stderr
  for (const [name, value] of [['secret', secret], ['token', token]]) {
    assert.ok(!out.includes(value), `the ${name} leaked`)
    assert.ok(!out.includes(Buffer.from(value).toString('base64')), `the ${name} leaked in base64`)
  }
  // The client label is shown, so the check above looked at real output.
  assert.match(r.stdout, /baseUrl/)
})

test('a Rust panic becomes an OmiError; the process goes on', () => {
  const r = run('panic.cjs', [], { RUST_BACKTRACE: '0' })
  assert.equal(r.signal, null, `the process died: ${r.signal}`)
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /survived OMI_INTERNAL,OMI_INTERNAL/)
})
