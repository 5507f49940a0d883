'use strict'
// Every code block of README.md is a region of a file in examples/: the blocks must match the
// files, the files must pass `tsc --strict`, and each example is run against the simulator.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync, spawn } = require('node:child_process')
const { Client, StepUp } = require('omi-push')
const { Simulator } = require('omi-push/testing')

const ROOT = path.join(__dirname, '..')
const OUT = path.join(ROOT, 'build', 'examples')
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

let typeCheck
before(() => {
  // The type check the README promises, then a plain transpile to run the examples.
  typeCheck = spawnSync(process.execPath, [TSC, '-p', path.join(ROOT, 'examples', 'tsconfig.json'), '--strict', '--noEmit'], {
    encoding: 'utf8',
  })
  const ts = require('typescript')
  fs.rmSync(OUT, { recursive: true, force: true })
  fs.mkdirSync(OUT, { recursive: true })
  for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'))) {
    const source = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    })
    fs.writeFileSync(path.join(OUT, file.replace(/\.ts$/, '.js')), outputText)
  }
})

function dedent(text) {
  const lines = text.split('\n')
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length))
  return lines.map((l) => l.slice(indent)).join('\n')
}

function regions() {
  const out = new Map()
  for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')
    for (const m of text.matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\/\/ #endregion/g)) {
      out.set(m[1], dedent(m[2].replace(/\s+$/, '')))
    }
  }
  return out
}

function simEnv(sim) {
  return { ...process.env, OMI_BASE_URL: sim.baseUrl, OMI_CLIENT_ID: sim.clientId, OMI_CLIENT_SECRET: sim.clientSecret }
}

/** Runs a compiled example in a child process (async: the simulator lives in this process). */
function runExample(file, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(OUT, file), ...args], { env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill(), 30_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

test('tsc --strict --noEmit passes on the examples (every README block, and type tests)', () => {
  assert.equal(typeCheck.status, 0, typeCheck.stdout + typeCheck.stderr)
})

test('every TypeScript block of the README is an example region, and the other way round', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].replace(/\n+$/, ''))
  const known = regions()
  assert.ok(blocks.length >= 6)
  for (const block of blocks) {
    assert.ok([...known.values()].includes(block), `README block not found in examples/:\n${block.slice(0, 200)}`)
  }
  for (const [name, body] of known) assert.ok(blocks.includes(body), `region ${name} is not in the README`)
})

test('the Node version the README and package.json claim runs the examples (AbortSignal.any: 20.3)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const min = pkg.engines.node.replace('>=', '')
  assert.match(readme, new RegExp(`Node\\.js ${min.replace('.', '\\.')} or later`))
  const [major, minor] = min.split('.').map(Number)
  assert.ok(major > 20 || (major === 20 && minor >= 3), `AbortSignal.any needs Node 20.3, the claim is ${min}`)
  assert.equal(typeof AbortSignal.any, 'function')
})

test('quick start: list, push, wait', async (t) => {
  const sim = await Simulator.start({ autoRespond: { action: 'approve', delayMs: 300 } })
  t.after(() => sim.stop())
  const r = await runExample('quickstart.js', ['user-1'], simEnv(sim))
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /^confirmed after \d+ ms\nconfirmed: go ahead\n$/)
  assert.equal(sim.pushes()[0].deviceIds[0], 'dev-1')
})

async function withApp(t, simConfig, stepUpOptions = {}) {
  const { createApp } = require(path.join(OUT, 'express-app.js'))
  const sim = await Simulator.start(simConfig)
  t.after(() => sim.stop())
  const client = new Client(sim.clientOptions({ pollIntervalMs: 100 }))
  const stepUp = new StepUp(client, { keys: 'express-example-step-up-key-0123456789', minGapMs: 0, ...stepUpOptions })
  const server = createApp(client, stepUp).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return { sim, url: `http://127.0.0.1:${server.address().port}` }
}

function post(url, user, body) {
  const headers = { 'x-user-id': user, 'content-type': 'application/json' }
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body ?? {}) })
}

async function start(url, user) {
  const r = await post(`${url}/payment-method/start`, user)
  assert.equal(r.status, 200)
  return (await r.json()).challenge
}

test('Express step-up: approved → 200 once, a replay → 403 already used, rejected → 403', async (t) => {
  const { sim, url } = await withApp(t, { autoRespond: { action: 'approve', delayMs: 200 } })
  const challenge = await start(url, 'user-1')
  const ok = await post(`${url}/payment-method`, 'user-1', { challenge })
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { changed: true })
  const replay = await post(`${url}/payment-method`, 'user-1', { challenge })
  assert.equal(replay.status, 403)
  assert.deepEqual(await replay.json(), { changed: false, error: 'OMI_ALREADY_USED' })
  sim.setAutoRespond({ action: 'reject', delayMs: 200 })
  const no = await post(`${url}/payment-method`, 'user-1', { challenge: await start(url, 'user-1') })
  assert.equal(no.status, 403)
  assert.deepEqual(await no.json(), { changed: false, verdict: 'rejected' })
  assert.equal(sim.count('push_all', 'POST'), 2)
})

test('Express step-up: a challenge of another user, or edited, is refused before any poll', async (t) => {
  const { sim, url } = await withApp(t, { users: [{ id: 'alice', devices: [{ id: 'a' }] }, { id: 'mallory', devices: [{ id: 'm' }] }], autoRespond: { action: 'approve', delayMs: 100 } })
  const his = await start(url, 'mallory') // mallory confirms on his own phone ...
  await new Promise((resolve) => setTimeout(resolve, 300))
  sim.clearLog()
  const forged = await post(`${url}/payment-method`, 'alice', { challenge: his }) // ... and presents it as alice
  assert.equal(forged.status, 403)
  assert.deepEqual(await forged.json(), { changed: false, error: 'OMI_CHALLENGE_MISMATCH' })
  const mid = Math.floor(his.length / 2)
  const edited = his.slice(0, mid) + (his[mid] === 'A' ? 'B' : 'A') + his.slice(mid + 1)
  const bad = await post(`${url}/payment-method`, 'mallory', { challenge: edited })
  assert.deepEqual(await bad.json(), { changed: false, error: 'OMI_INVALID_CHALLENGE' })
  assert.equal(sim.count('confirmation', 'GET'), 0)
})

test('Express step-up: over the throttle → 429, nothing pushed', async (t) => {
  const { sim, url } = await withApp(t, {}, { maxUnresolved: 1 })
  await start(url, 'user-1')
  const again = await post(`${url}/payment-method/start`, 'user-1')
  assert.equal(again.status, 429)
  assert.equal((await again.json()).error, 'OMI_THROTTLED')
  assert.equal(sim.pushes().length, 1)
})

test('Express step-up: the browser leaving aborts the wait and polling stops', async (t) => {
  const { sim, url } = await withApp(t, {})
  const challenge = await start(url, 'user-1')
  const gone = fetch(`${url}/payment-method`, {
    method: 'POST',
    headers: { 'x-user-id': 'user-1', 'content-type': 'application/json' },
    body: JSON.stringify({ challenge }),
    signal: AbortSignal.timeout(600),
  })
  await assert.rejects(gone, (e) => e.name === 'TimeoutError' || e.name === 'AbortError')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const n = sim.count('confirmation', 'GET')
  assert.ok(n >= 1, 'the route was polling')
  await new Promise((resolve) => setTimeout(resolve, 500))
  assert.equal(sim.count('confirmation', 'GET'), n, 'no poll after the browser left')
})

test('Express low-level routes: the ticket stays server-side and is consumed once', async (t) => {
  const { url } = await withApp(t, { autoRespond: { action: 'approve', delayMs: 300 } })
  assert.equal((await post(`${url}/job/start`, 'user-1')).status, 202)
  const waited = await post(`${url}/job/wait`, 'user-1')
  assert.deepEqual(await waited.json(), { outcome: 'confirmed' })
  assert.equal((await post(`${url}/job/wait`, 'user-1')).status, 404, 'consumed once')
})

test('onEvent: the README example counts outcomes and times waits; a throwing hook breaks nothing', async (t) => {
  const { WaitMetrics, clientWithMetrics } = require(path.join(OUT, 'metrics.js'))
  const sim = await Simulator.start()
  t.after(() => sim.stop())
  const client = new Client(sim.clientOptions({ pollIntervalMs: 100 }))
  const metrics = new WaitMetrics()
  const measured = clientWithMetrics(sim.clientOptions({ pollIntervalMs: 100 }), metrics)
  const yes = await measured.sendPush({ userId: 'user-1', message: 'yes' })
  const no = await measured.sendPush({ userId: 'user-1', message: 'no' })
  sim.approve(yes)
  sim.reject(no)
  await measured.waitForConfirmation(yes, { timeoutMs: 3000 })
  await measured.waitForConfirmation(no, { timeoutMs: 3000 })
  await measured.waitForConfirmation(await measured.sendPush({ userId: 'user-1', message: 'slow' }), { timeoutMs: 250 })
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.deepEqual(Object.fromEntries(metrics.outcomes), { confirmed: 1, rejected: 1, timed_out: 1 })
  assert.equal(metrics.waitMs.length, 3)
  assert.ok(metrics.waitMs[2] >= 200, `${metrics.waitMs}`)
  // Only the measured client's events reach its hook.
  await client.listDevices('user-1')
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(metrics.waitMs.length, 3)
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  t.after(() => process.off('warning', onWarning))
  const throwing = new Client(sim.clientOptions({ onEvent: () => { throw new Error('hook bug') } }))
  assert.equal((await throwing.listDevices('user-1')).length, 1)
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.ok(warnings.some((w) => /hook bug/.test(w.message)), 'a warning names the failure')
  assert.throws(() => new Client(sim.clientOptions({ onEvent: 'log' })), TypeError)
})

test('sync form in a script', async (t) => {
  const sim = await Simulator.start({ autoRespond: { action: 'approve', delayMs: 300 } })
  t.after(() => sim.stop())
  const client = new Client(sim.clientOptions())
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'from a worker' })
  const r = await runExample('sync-worker.js', [String(ticket)], simEnv(sim))
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, 'confirmed\n')
})

test('AbortSignal example: timeout, user cancel, and a normal outcome', async (t) => {
  const { waitOrGiveUp } = require(path.join(OUT, 'abort.js'))
  const sim = await Simulator.start()
  t.after(() => sim.stop())
  const client = new Client(sim.clientOptions({ pollIntervalMs: 100 }))
  const ticket = await client.sendPush({ userId: 'user-1', message: 'hi' })
  assert.equal(await waitOrGiveUp(client, ticket, new AbortController().signal, 300), undefined)
  const user = new AbortController()
  setTimeout(() => user.abort(), 200)
  assert.equal(await waitOrGiveUp(client, ticket, user.signal, 10_000), undefined)
  setTimeout(() => sim.approve(ticket.nonce), 200)
  const outcome = await waitOrGiveUp(client, ticket, new AbortController().signal, 10_000)
  assert.equal(outcome.kind, 'confirmed')
})

test('error codes example', async (t) => {
  const { explain } = require(path.join(OUT, 'errors.js'))
  const sim = await Simulator.start({ allowedScopes: ['credential:omi:devices:get'] })
  t.after(() => sim.stop())
  const client = new Client(sim.clientOptions())
  sim.addFault({ route: 'devices', status: 429, retryAfterS: 2, times: 1 })
  assert.equal(explain(await client.listDevices('user-1').catch((e) => e)), 'slow down, retry in 2000 ms')
  assert.equal(
    explain(await client.sendPush({ userId: 'user-1', message: 'x' }).catch((e) => e)),
    'the API client lacks the scope credential:omi:push-notification:post',
  )
  assert.equal(explain(await client.listDevices('ghost').catch((e) => e)), 'unknown user, device or push')
  assert.throws(() => explain(new RangeError('not ours')), RangeError)
})

test('testing-helper example runs under node --test', () => {
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', path.join(OUT, 'payment.test.js')], {
    encoding: 'utf8',
    timeout: 60_000,
    // Run as a top-level test run, not as a child of this one.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined },
  })
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /pass 2/)
})

test('README omi-push/express: the guarded page needs an approval, then opens once', async (t) => {
  const { guardedApp } = require(path.join(OUT, 'express-guard.js'))
  const sim = await Simulator.start({ users: [{ id: 'alice', devices: [{ id: 'phone' }] }] })
  t.after(() => sim.stop())
  const stepUp = new StepUp(new Client(sim.clientOptions({ pollIntervalMs: 100 })), { keys: 'express-guard-example-key-0123456789', minGapMs: 0 })
  const server = guardedApp(stepUp).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  const base = `http://127.0.0.1:${server.address().port}`
  let cookie = ''
  const get = async (p) => {
    const r = await fetch(base + p, { headers: { 'x-user-id': 'alice', cookie }, redirect: 'manual' })
    const set = r.headers.getSetCookie()[0]
    if (set) cookie = set.split(';')[0]
    return r
  }
  let r = await get('/payment-method')
  assert.equal(r.status, 303)
  r = await get(r.headers.get('location')) // one phone: pushed at once, on to the waiting page
  assert.equal(r.status, 303)
  const wait = r.headers.get('location')
  assert.match(await (await get(wait)).text(), /Confirm the change of your payment method/)
  sim.approve(sim.pushes()[0].nonce)
  const status = await get(wait.replace('/wait?', '/status?'))
  assert.equal((await status.json()).verdict, 'approved')
  r = await get('/payment-method')
  assert.equal(r.status, 200)
  assert.equal(await r.text(), '<h1>Change your payment method</h1>')
  assert.equal((await get('/payment-method')).status, 303, 'once')
})
