'use strict'
// The native loader (lib/platform.js): the addon of this platform loads; on a platform with no
// binary (forced with OMI_PUSH_NATIVE_PLATFORM, which the loader reads for this test only)
// `require` throws an error naming the platform and the supported list, for the library and
// for the testing kit alike.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { platformName, platformOfTriple } = require('../lib/platform.js')

const ROOT = path.join(__dirname, '..')

function load(what, platform) {
  const code = `try { require(${JSON.stringify(what)}); console.log('loaded') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, platform: e.platform, supported: e.supported })) }`
  const env = { ...process.env }
  delete env.OMI_PUSH_NATIVE_PLATFORM
  if (platform) env.OMI_PUSH_NATIVE_PLATFORM = platform
  const run = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 })
  assert.equal(run.status, 0, run.stderr)
  return run.stdout.trim() === 'loaded' ? 'loaded' : JSON.parse(run.stdout)
}

test('this platform is linux-x64-gnu and its addons load', () => {
  assert.equal(platformName(), 'linux-x64-gnu')
  assert.equal(load('omi-push'), 'loaded')
  assert.equal(load('omi-push/testing'), 'loaded')
})

test('a platform with no binary: the error names it and the supported list', () => {
  for (const platform of ['darwin-arm64', 'linux-x64-musl', 'win32-x64-msvc']) {
    const e = load('omi-push', platform)
    assert.equal(e.code, 'OMI_UNSUPPORTED_PLATFORM')
    assert.equal(e.platform, platform)
    assert.deepEqual(e.supported, ['linux-x64-gnu'])
    assert.equal(e.message, `omi-push: no native library for this platform (${platform}). Supported platforms: linux-x64-gnu.`)
  }
})

test('the testing kit on a platform with no binary: the same kind of error', () => {
  const e = load(path.join(ROOT, 'lib', 'kit.js'), 'darwin-arm64')
  assert.equal(e.code, 'OMI_UNSUPPORTED_PLATFORM')
  assert.match(e.message, /^omi-push-testing: no native library for this platform \(darwin-arm64\)\. Supported platforms: linux-x64-gnu\.$/)
})

test('napi-rs platform names of the release targets', () => {
  const names = {
    'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
    'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
    'x86_64-unknown-linux-musl': 'linux-x64-musl',
    'aarch64-unknown-linux-musl': 'linux-arm64-musl',
    'x86_64-apple-darwin': 'darwin-x64',
    'aarch64-apple-darwin': 'darwin-arm64',
    'x86_64-pc-windows-msvc': 'win32-x64-msvc',
    'aarch64-pc-windows-msvc': 'win32-arm64-msvc',
  }
  for (const [triple, name] of Object.entries(names)) assert.equal(platformOfTriple(triple), name, triple)
})
