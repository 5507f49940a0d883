'use strict'
// Step-up against the simulator, with the memory store and with Redis (OMI_PUSH_REDIS_URL,
// set by scripts/with-redis): forged user, replay, an edited byte anywhere, too old, throttle,
// cancellation, and a Redis server of the test's own stopped mid-run.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawn, spawnSync } = require('node:child_process')
const net = require('node:net')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const omi = require('omi-push')
const { StepUp, Challenge, generateNonce } = omi
const { setup, sleep } = require('./helpers.js')

const KEY = 'node-step-up-test-key-0123456789abcdef'
const STORES = ['memory', 'redis']

function storeUrl(store) {
  if (store === 'memory') return 'memory'
  assert.ok(process.env.OMI_PUSH_REDIS_URL, 'OMI_PUSH_REDIS_URL is not set (run under scripts/with-redis)')
  return process.env.OMI_PUSH_REDIS_URL
}

async function stepUpSetup(t, store, options = {}) {
  const { sim, client } = await setup(t)
  const stepUp = new StepUp(client, { keys: KEY, minGapMs: 0, store: storeUrl(store), storePrefix: `node-test:${generateNonce()}:`, ...options })
  return { sim, client, stepUp }
}

const ALICE = { userId: 'user-1', action: 'payment-method.change' }

for (const store of STORES) {
  test(`[${store}] approve once: the first check after the confirmation approves, a replay is AlreadyUsedError`, async (t) => {
    const { sim, stepUp } = await stepUpSetup(t, store)
    const challenge = await stepUp.begin({ ...ALICE, deviceId: 'dev-1', message: 'Confirm the new card' })
    assert.ok(challenge instanceof Challenge)
    assert.deepEqual([challenge.userId, challenge.action, challenge.deviceId], ['user-1', 'payment-method.change', 'dev-1'])
    assert.ok(challenge.expiresAtMs > challenge.issuedAtMs)
    assert.equal(String(challenge), challenge.text)
    assert.equal(await stepUp.check(challenge, ALICE), 'pending')
    setTimeout(() => sim.approve(challenge.nonce), 200)
    assert.equal(await stepUp.wait(challenge.text, { ...ALICE, timeoutMs: 5000 }), 'approved')
    await assert.rejects(stepUp.check(challenge.text, ALICE), omi.AlreadyUsedError)
    await assert.rejects(stepUp.wait(challenge.text, { ...ALICE, timeoutMs: 1000 }), omi.AlreadyUsedError)
    assert.throws(() => stepUp.checkSync(challenge.text, ALICE), (e) => e instanceof omi.AlreadyUsedError && e.code === 'OMI_ALREADY_USED')
  })

  test(`[${store}] a challenge presented for another user or action is ChallengeMismatchError, before any request`, async (t) => {
    const { sim, client, stepUp } = await stepUpSetup(t, store)
    sim.addUser({ id: 'mallory', devices: [{ id: 'm-phone' }] })
    // Mallory confirms a push on his own phone, then presents his challenge as alice's.
    const his = await stepUp.begin({ userId: 'mallory', action: ALICE.action, message: 'mine' })
    sim.approve(his.nonce)
    await client.waitForConfirmation(his.nonce, { timeoutMs: 3000 })
    sim.clearLog()
    await assert.rejects(stepUp.check(his.text, ALICE), (e) => e instanceof omi.ChallengeMismatchError && e.field === 'user')
    await assert.rejects(stepUp.wait(his.text, { ...ALICE, timeoutMs: 1000 }), (e) => e instanceof omi.ChallengeMismatchError && e.field === 'user')
    await assert.rejects(stepUp.check(his.text, { userId: 'mallory', action: 'payee.add' }), (e) => e instanceof omi.ChallengeMismatchError && e.field === 'action')
    assert.equal(sim.requestLog().length, 0, 'refused before any request')
    // His own challenge still works for him, once.
    assert.equal(await stepUp.check(his.text, { userId: 'mallory', action: ALICE.action }), 'approved')
  })

  test(`[${store}] an edited character anywhere in the challenge is InvalidChallengeError, before any request`, async (t) => {
    const { sim, client, stepUp } = await stepUpSetup(t, store)
    const challenge = await stepUp.begin({ ...ALICE, message: 'edit me' })
    sim.approve(challenge.nonce)
    await client.waitForConfirmation(challenge.nonce, { timeoutMs: 3000 })
    sim.clearLog()
    const text = challenge.text
    for (let i = 0; i < text.length; i++) {
      const edited = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1)
      assert.throws(() => stepUp.checkSync(edited, ALICE), omi.InvalidChallengeError, `position ${i}`)
    }
    for (const bad of [text.slice(0, -5), `${text}A`, '', 'x'.repeat(1 << 20)]) {
      assert.throws(() => stepUp.checkSync(bad, ALICE), (e) => e instanceof omi.InvalidChallengeError || e instanceof omi.InvalidArgumentError)
    }
    const otherKey = new StepUp(client, { keys: 'another-node-step-up-key-0123456789abcdef', minGapMs: 0, store: 'memory' })
    assert.throws(() => otherKey.checkSync(text, ALICE), omi.InvalidChallengeError)
    assert.equal(sim.requestLog().length, 0, 'refused before any request')
    // The unedited challenge was still good: edits never consumed it.
    assert.equal(stepUp.checkSync(text, ALICE), 'approved')
  })

  test(`[${store}] a challenge older than maxAgeMs is expired, with no request`, async (t) => {
    const { sim, stepUp } = await stepUpSetup(t, store, { maxAgeMs: 1000 })
    const challenge = await stepUp.begin({ ...ALICE, message: 'too old' })
    sim.approve(challenge.nonce)
    await sleep(1100)
    sim.clearLog()
    assert.equal(await stepUp.check(challenge, ALICE), 'expired')
    assert.equal(await stepUp.wait(challenge, { ...ALICE, timeoutMs: 2000 }), 'expired')
    assert.equal(sim.requestLog().length, 0, 'no request for an expired challenge')
  })

  test(`[${store}] over the throttle, begin is ThrottledError and sends nothing`, async (t) => {
    const { sim, stepUp } = await stepUpSetup(t, store, { maxUnresolved: 2 })
    await stepUp.begin({ ...ALICE, message: 'one' })
    await stepUp.begin({ ...ALICE, message: 'two' })
    const pushes = sim.pushes().length
    await assert.rejects(stepUp.begin({ ...ALICE, message: 'three' }), (e) => e instanceof omi.ThrottledError && e.code === 'OMI_THROTTLED')
    assert.throws(() => stepUp.beginSync({ ...ALICE, message: 'four' }), omi.ThrottledError)
    assert.equal(sim.pushes().length, pushes, 'no push over the throttle')
    const gap = await stepUpSetup(t, store, { minGapMs: 60_000 })
    await gap.stepUp.begin({ ...ALICE, message: 'first' })
    await assert.rejects(gap.stepUp.begin({ ...ALICE, message: 'too soon' }), (e) => e instanceof omi.ThrottledError && e.retryAfterMs > 0)
    assert.equal(gap.sim.pushes().length, 1)
  })

  test(`[${store}] redeem spends an approval once, with no request`, async (t) => {
    const { sim, stepUp } = await stepUpSetup(t, store)
    const challenge = await stepUp.begin({ ...ALICE, message: 'guard' })
    sim.clearLog()
    assert.equal(await stepUp.redeem(challenge, ALICE), false, 'not approved yet')
    assert.equal(sim.requestLog().length, 0)
    sim.approve(challenge.nonce)
    assert.equal(await stepUp.check(challenge, ALICE), 'approved')
    sim.clearLog()
    assert.equal(await stepUp.redeem(challenge.text, ALICE), true)
    await assert.rejects(stepUp.redeem(challenge, ALICE), omi.AlreadyUsedError)
    assert.throws(() => stepUp.redeemSync(challenge, ALICE), omi.AlreadyUsedError)
    await assert.rejects(stepUp.redeem(challenge, { userId: 'mallory', action: ALICE.action }), omi.ChallengeMismatchError)
    assert.equal(sim.requestLog().length, 0, 'redeem makes no request')
  })

  test(`[${store}] a rejected or expired push gives its verdict; a wait past its timeout is pending`, async (t) => {
    const { sim, stepUp } = await stepUpSetup(t, store)
    const rejected = await stepUp.begin({ ...ALICE, message: 'no' })
    sim.reject(rejected.nonce)
    assert.equal(await stepUp.check(rejected, ALICE), 'rejected')
    const expired = await stepUp.begin({ ...ALICE, message: 'late' })
    sim.expire(expired.nonce)
    assert.equal(stepUp.waitSync(expired, { ...ALICE, timeoutMs: 3000 }), 'expired')
    const open = await stepUp.begin({ ...ALICE, message: 'open' })
    assert.equal(await stepUp.wait(open, { ...ALICE, timeoutMs: 300 }), 'pending')
  })
}

test('wait: an AbortSignal stops it promptly; an aborted one sends nothing', async (t) => {
  const { sim, stepUp } = await stepUpSetup(t, 'memory')
  const challenge = await stepUp.begin({ ...ALICE, message: 'abort' })
  const aborted = AbortSignal.abort(new Error('gone'))
  sim.clearLog()
  await assert.rejects(stepUp.wait(challenge, { ...ALICE, signal: aborted }), (e) => e instanceof omi.CancelledError && e.name === 'AbortError')
  assert.equal(sim.requestLog().length, 0)
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 300)
  const started = performance.now()
  await assert.rejects(stepUp.wait(challenge, { ...ALICE, timeoutMs: 30_000, signal: controller.signal }), omi.CancelledError)
  assert.ok(performance.now() - started < 1500)
  const polls = sim.count('confirmation', 'GET')
  await sleep(400)
  assert.equal(sim.count('confirmation', 'GET'), polls, 'polling stopped')
  // The challenge was not consumed by the cancelled wait.
  sim.approve(challenge.nonce)
  assert.equal(await stepUp.check(challenge, ALICE), 'approved')
})

test('options and arguments: keys of at least 32 bytes (string or bytes), TypeError for wrong types', async (t) => {
  const { client } = await setup(t)
  assert.throws(() => new StepUp(client, { keys: 'short' }), omi.ConfigError)
  assert.ok(new StepUp(client, { keys: [Buffer.alloc(32, 7), KEY] }))
  assert.ok(new StepUp(client, { keys: new Uint8Array(32).fill(1) }))
  assert.throws(() => new StepUp(client, { keys: 42 }), TypeError)
  assert.throws(() => new StepUp({}, { keys: KEY }), TypeError)
  assert.throws(() => new StepUp(client, { keys: KEY, maxAge: 5 }), TypeError)
  assert.throws(() => new StepUp(client, { keys: KEY, store: 'ftp://x' }), omi.ConfigError)
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new StepUp(client, { keys: KEY, maxAgeMs: bad }), omi.ConfigError, `maxAgeMs: ${bad}`)
    assert.throws(() => new StepUp(client, { keys: KEY, minGapMs: bad }), omi.ConfigError, `minGapMs: ${bad}`)
  }
  const su = new StepUp(client, { keys: KEY, minGapMs: 0 })
  assert.throws(() => su.begin({ userId: 'user-1', action: 7, message: 'x' }), TypeError)
  await assert.rejects(su.begin({ userId: 'user-1', action: 'bad action!', message: 'x' }), (e) => e instanceof omi.InvalidArgumentError && e.field === 'action')
  assert.throws(() => su.check(5, ALICE), TypeError)
  assert.deepEqual((await su.devices('user-1')).map((d) => d.id), ['dev-1', 'dev-2'])
  assert.deepEqual(su.devicesSync('user-1').map((d) => d.id), ['dev-1', 'dev-2'])
})

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

test('Redis stopped mid-run: StoreUnavailableError, never approved', async (t) => {
  const hasRedis = spawnSync('redis-server', ['--version']).status === 0
  assert.ok(hasRedis, 'redis-server is not installed (scripts/with-redis installs it)')
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-redis-'))
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  t.after(() => {
    redis.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  })
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().includes('PONG')) break
    await sleep(50)
  }
  const { sim, stepUp } = await stepUpSetup(t, 'memory', { store: `redis://127.0.0.1:${port}/0` })
  const challenge = await stepUp.begin({ ...ALICE, message: 'before the crash' })
  sim.approve(challenge.nonce)
  redis.kill('SIGKILL')
  await new Promise((resolve) => redis.once('exit', resolve))
  const verdicts = []
  for (const attempt of [() => stepUp.check(challenge, ALICE), () => stepUp.wait(challenge, { ...ALICE, timeoutMs: 2000 })]) {
    await attempt().then(
      (v) => verdicts.push(v),
      (e) => assert.ok(e instanceof omi.StoreUnavailableError && e.code === 'OMI_STORE_UNAVAILABLE', `${e}`),
    )
  }
  assert.throws(() => stepUp.checkSync(challenge, ALICE), omi.StoreUnavailableError)
  await assert.rejects(stepUp.begin({ ...ALICE, message: 'after the crash' }), omi.StoreUnavailableError)
  assert.deepEqual(verdicts, [], 'never approved (nor any verdict) without the store')
})

test('two processes share one Redis: 200 concurrent checks of one approved challenge give exactly 1 approval', async (t) => {
  const { sim, client } = await setup(t)
  const store = storeUrl('redis')
  const prefix = `node-two-processes:${generateNonce()}:`
  const stepUp = new StepUp(client, { keys: KEY, store, storePrefix: prefix, minGapMs: 0 })
  const challenge = await stepUp.begin({ ...ALICE, message: 'two processes' })
  sim.approve(challenge.nonce)
  const argv = JSON.stringify([sim.clientOptions(), KEY, store, prefix, challenge.text, ALICE.userId, ALICE.action])
  const run = () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'checks.cjs'), argv], { stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.on('error', reject)
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`))))
    })
  const [a, b] = await Promise.all([run(), run()])
  const total = (k) => (a[k] ?? 0) + (b[k] ?? 0)
  assert.equal(total('approved'), 1, `${JSON.stringify(a)} ${JSON.stringify(b)}`)
  assert.equal(total('OMI_ALREADY_USED'), 199)
  assert.equal(sim.pushes().length, 1)
})
