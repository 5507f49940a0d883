'use strict'
// The core's events reach Node users: the `omi-push` diagnostics channel, DEBUG=omi-push (and
// NODE_DEBUG) on stderr, and the onEvent hook; all on one runtime (the core's).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const dc = require('node:diagnostics_channel')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const omi = require('omi-push')
const { debugEnabled } = require('../lib/events.js')
const { setup, sleep } = require('./helpers.js')

function run(env) {
  return spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'retry503.cjs')], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, DEBUG: '', NODE_DEBUG: '', ...env },
  })
}

test('a diagnostics_channel subscriber receives the events, with no secret or nonce', async (t) => {
  const seen = []
  const listener = (event) => seen.push(event)
  dc.subscribe('omi-push', listener)
  t.after(() => dc.unsubscribe('omi-push', listener))
  const { sim, client } = await setup(t)
  sim.addFault({ route: 'devices', status: 503, times: 1 })
  await client.listDevices('user-1')
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'events' })
  sim.approve(ticket)
  await client.waitForConfirmation(ticket, { timeoutMs: 3000 })
  await sleep(100)
  const names = seen.map((e) => e.event)
  for (const name of ['token', 'request', 'retry', 'push', 'wait']) assert.ok(names.includes(name), `${name} in ${names}`)
  const devices = seen.filter((e) => e.event === 'request' && e.op === 'list_devices')
  assert.deepEqual(devices.map((e) => [e.status, e.attempt]), [[503, 1], [200, 2]])
  const retry = seen.find((e) => e.event === 'retry')
  assert.equal(retry.op, 'list_devices')
  assert.ok(retry.delayMs > 0)
  const wait = seen.find((e) => e.event === 'wait')
  assert.equal(wait.outcome, 'confirmed')
  assert.ok(wait.polls >= 1 && wait.elapsedMs >= 0)
  const text = JSON.stringify(seen)
  assert.ok(!text.includes(ticket.nonce) && !text.includes(sim.clientSecret), 'no nonce or secret in events')
})

test('DEBUG=omi-push shows the retry of a 503 on stderr; without it nothing is printed', () => {
  const on = run({ DEBUG: 'omi-push' })
  assert.equal(on.status, 0, on.stderr)
  assert.match(on.stdout, /devices 1 events true/)
  assert.match(on.stderr, /^omi-push request .*op=list_devices status=503$/m)
  assert.match(on.stderr, /^omi-push retry .*error=server op=list_devices$/m)
  assert.match(on.stderr, /^omi-push request attempt=2 .*status=200$/m)
  const star = run({ DEBUG: 'express:*,omi-*' })
  assert.match(star.stderr, /omi-push retry/)
  const off = run({})
  assert.equal(off.status, 0, off.stderr)
  assert.equal(off.stderr, '')
  const node = run({ NODE_DEBUG: 'omi-push' })
  assert.match(node.stderr, /OMI-PUSH \d+: omi-push retry/)
})

test('the DEBUG syntax: names, wildcards, exclusions', () => {
  assert.ok(debugEnabled('omi-push', 'omi-push'))
  assert.ok(debugEnabled('*', 'omi-push'))
  assert.ok(debugEnabled('express,omi-*', 'omi-push'))
  assert.ok(!debugEnabled('*,-omi-push', 'omi-push'))
  assert.ok(!debugEnabled('omi', 'omi-push'))
  assert.ok(!debugEnabled(undefined, 'omi-push'))
})

test('one runtime: the core\'s threads serve every call, napi starts none of its own', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', message: 'threads' })
  sim.approve(ticket)
  await client.waitForConfirmation(ticket, { timeoutMs: 3000 })
  client.listDevicesSync('user-1')
  const names = fs.readdirSync('/proc/self/task').map((id) => fs.readFileSync(`/proc/self/task/${id}/comm`, 'utf8').trim())
  assert.ok(names.includes('omi-push'), `the core's runtime threads: ${names}`)
  assert.ok(!names.some((n) => n.startsWith('tokio-runtime')), `a second tokio runtime: ${names}`)
})
