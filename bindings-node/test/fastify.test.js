'use strict'
// omi-push/fastify over real HTTP (no browser), against the simulator: the plugin's routes,
// the guard as a preHandler and as the route option `config.stepUp`, the app's callable for
// the current user; the flow's value in a cookie of its own or in @fastify/secure-session;
// the memory store and Redis (OMI_PUSH_REDIS_URL, set by scripts/with-redis), and a Redis of
// the test's own stopped mid-flow (503).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')
const Fastify = require('fastify')
const { StepUp, StepUpFlow, generateNonce } = require('omi-push')
const fastifyStepUp = require('omi-push/fastify')
const { setup, sleep } = require('./helpers.js')
const { wantsJson } = require('../lib/flow.js')

const PAY = 'change-payment-method'
const KEY = 'node-fastify-test-key-0123456789abcdef-0123456789'
const ROOT = path.join(__dirname, '..')

function storeUrl(store) {
  if (store === 'memory' || store.startsWith('redis://')) return store
  assert.ok(process.env.OMI_PUSH_REDIS_URL, 'OMI_PUSH_REDIS_URL is not set (run under scripts/with-redis)')
  return process.env.OMI_PUSH_REDIS_URL
}

/** A Fastify app whose user is the `x-user` header; `secureSession` registers @fastify/secure-session. */
async function appSetup(t, { secureSession = false, store = 'memory', users } = {}) {
  const { sim, client } = await setup(t, users ? { sim: { users } } : {})
  const stepUp = new StepUp(client, { keys: KEY, minGapMs: 0, store: storeUrl(store), storePrefix: `node-fastify:${generateNonce()}:` })
  const app = Fastify()
  if (secureSession) {
    await app.register(require('@fastify/secure-session'), { key: crypto.randomBytes(32), cookie: { path: '/', httpOnly: true } })
  }
  await app.register(fastifyStepUp, { stepUp, user: async (request) => request.headers['x-user'], message: 'Confirm the new card' })
  app.get('/payment', { preHandler: app.stepUp.guard(PAY) }, async (request) => `payment page of ${request.headers['x-user']}`)
  app.get('/card', { config: { stepUp: 'view-card-number' } }, async () => 'card')
  app.post('/api/payment', { preHandler: app.stepUp.guard(PAY) }, async () => ({ changed: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  return { sim, url: `http://127.0.0.1:${app.server.address().port}`, app }
}

/** A browser-ish agent: a cookie jar, redirects followed by hand. */
function agent(base, user, extra = {}) {
  const jar = new Map()
  return {
    jar,
    async req(p, init = {}) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
      const headers = { ...(user ? { 'x-user': user } : {}), accept: 'text/html', ...extra, ...(cookie ? { cookie } : {}), ...init.headers }
      const r = await fetch(new URL(p, base), { ...init, headers, redirect: 'manual' })
      for (const c of r.headers.getSetCookie()) {
        const [pair, ...attrs] = c.split(';')
        const [k, v] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
        if (attrs.some((a) => /^\s*Max-Age=0$/i.test(a))) jar.delete(k)
        else jar.set(k, v)
      }
      return r
    },
  }
}

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')

/** The first form of a page: its action and its hidden fields (the core's CSRF token among them). */
function formOf(html) {
  const form = html.match(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/)
  assert.ok(form, html)
  const fields = {}
  for (const input of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = input[0].match(/name="([^"]*)"/)[1]
    fields[unescape(name)] = unescape(input[0].match(/value="([^"]*)"/)[1])
  }
  return { action: unescape(form[1]), fields }
}

function postForm(a, form, extra = {}) {
  return a.req(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, ...extra }).toString(),
  })
}

/** Every header of the core's flow responses is on the answer. */
function assertFlowHeaders(r, what) {
  assert.equal(r.headers.get('cache-control'), 'no-store', `${what}: Cache-Control`)
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`)
  assert.equal(r.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`)
}

for (const [store, secureSession] of [['memory', false], ['memory', true], ['redis', true]]) {
  const name = `${store}, ${secureSession ? '@fastify/secure-session' : 'cookie'}`
  test(`Fastify: guard → picker → POST → wait → status → approve → the page, once (${name})`, async (t) => {
    const { sim, url } = await appSetup(t, { secureSession, store })
    const a = agent(url, 'user-1')
    let r = await a.req('/payment?card=new')
    assert.equal(r.status, 303)
    assert.equal(r.headers.get('location'), '/step-up/start?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew')
    assertFlowHeaders(r, 'the guard')

    r = await a.req(r.headers.get('location'))
    assert.equal(r.status, 200)
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/)
    assertFlowHeaders(r, 'the picker')
    const picker = await r.text()
    assert.ok(picker.includes('value="dev-1"') && picker.includes('value="dev-2"'), picker)
    assert.equal(sim.pushes().length, 0, 'the picker pushes nothing')
    const form = formOf(picker)

    // The picker's own form, urlencoded (this app has no form parser: the plugin's routes do).
    r = await postForm(a, form, { device: 'dev-2' })
    assert.equal(r.status, 303)
    assertFlowHeaders(r, 'the post')
    const wait = r.headers.get('location')
    assert.ok(wait.startsWith('/step-up/wait?'), wait)
    assert.deepEqual([...a.jar.keys()], [secureSession ? 'session' : 'omi_step_up'], 'the value is in the session when there is one')
    assert.equal(sim.pushes().length, 1)
    assert.deepEqual(sim.pushes()[0].deviceIds, ['dev-2'])
    assert.equal(sim.pushes()[0].message, 'Confirm the new card')

    r = await a.req(wait)
    assert.equal(r.status, 200)
    assertFlowHeaders(r, 'the waiting page')
    const page = await r.text()
    assert.match(page, /Confirm the new card/)
    // The URL the page's script polls (a JSON string literal in the script).
    const statusUrl = JSON.parse(page.match(/var statusUrl = ("[^"]*")/)[1])
    assert.ok(statusUrl.startsWith('/step-up/status?'), statusUrl)
    const status = async () => {
      const s = await a.req(statusUrl, { headers: { accept: 'application/json' } })
      assert.match(s.headers.get('content-type'), /^application\/json/)
      assertFlowHeaders(s, 'the status route')
      return s.json()
    }
    assert.deepEqual(await status(), { verdict: 'pending' })
    assert.equal((await a.req('/payment?card=new')).status, 303, 'pending: still locked')
    sim.approve(sim.pushes()[0].nonce)
    assert.deepEqual(await status(), { verdict: 'approved', redirect: '/payment?card=new' })

    // Another action stays locked; another user with a copy of these cookies is refused.
    assert.equal((await a.req('/card')).status, 303)
    const mallory = agent(url, 'user-2')
    for (const [k, v] of a.jar) mallory.jar.set(k, v)
    assert.equal((await mallory.req('/payment?card=new')).status, 303)

    const before = new Map(a.jar)
    r = await a.req('/payment?card=new')
    assert.equal(r.status, 200)
    assert.equal(await r.text(), 'payment page of user-1')
    // Spent: a second visit, or the old cookie replayed, starts over.
    assert.equal((await a.req('/payment?card=new')).status, 303)
    const replay = agent(url, 'user-1')
    for (const [k, v] of before) replay.jar.set(k, v)
    assert.equal((await replay.req('/payment?card=new')).status, 303, 'replayed')
    assert.equal(sim.pushes().length, 1)
  })
}

test('Fastify: one device skips the picker; a denial says so and Send again pushes again; API client 401 JSON; nobody 401', async (t) => {
  const { sim, url } = await appSetup(t, { users: [{ id: 'solo', devices: [{ id: 'only-phone' }] }] })
  const a = agent(url, 'solo')
  let r = await a.req('/card')
  assert.equal(r.status, 303, 'the route option guards too')
  r = await a.req(r.headers.get('location'))
  assert.equal(r.status, 303, 'one device: pushed at once')
  assert.equal(sim.pushes().length, 1)
  sim.reject(sim.pushes()[0].nonce)
  r = await a.req(r.headers.get('location'))
  assertFlowHeaders(r, 'the denied page')
  const text = await r.text()
  assert.ok(text.includes('You denied the request on your phone.') && text.includes('Send again'), text)
  assert.equal((await a.req('/card')).status, 303, 'denied: still locked')

  r = await postForm(a, formOf(text))
  assert.equal(r.status, 303, 'Send again')
  assert.equal(sim.pushes().length, 2)
  sim.approve(sim.pushes()[1].nonce)
  r = await a.req(r.headers.get('location'))
  assert.deepEqual([r.status, r.headers.get('location')], [303, '/card'], 'approved: the waiting page goes on')
  r = await a.req('/card')
  assert.deepEqual([r.status, await r.text()], [200, 'card'])

  r = await a.req('/api/payment', { method: 'POST', headers: { accept: 'application/json' } })
  assert.equal(r.status, 401)
  assert.match(r.headers.get('content-type'), /^application\/json/)
  assertFlowHeaders(r, 'the 401')
  const body = await r.json()
  assert.equal(body.error, 'step_up_required')
  assert.equal(body.action, PAY)

  r = await fetch(`${url}/payment`, { redirect: 'manual' })
  assert.equal(r.status, 401, 'no user')
  r = await a.req('/step-up/nope?action=x')
  assert.equal(r.status, 404, 'the core answers below the mount point')
  r = await a.req('/elsewhere')
  assert.equal(r.status, 404, 'other paths are the app')
})

test('Fastify: a forged form post (no CSRF field) pushes nothing', async (t) => {
  const { sim, url } = await appSetup(t)
  const a = agent(url, 'user-1')
  const r = await a.req('/step-up/start?action=change-payment-method&next=%2Fpayment', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'device=dev-1',
  })
  assert.equal(r.status, 403)
  assertFlowHeaders(r, 'the refusal')
  assert.equal(sim.pushes().length, 0)
})

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

test('Fastify: Redis stopped mid-flow → 503 from the guard, the status route and the start (fails closed)', async (t) => {
  assert.equal(spawnSync('redis-server', ['--version']).status, 0, 'redis-server is not installed (scripts/with-redis installs it)')
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
  const { sim, url } = await appSetup(t, { store: `redis://127.0.0.1:${port}/0` })
  const a = agent(url, 'user-1')
  let r = await a.req('/payment')
  r = await postForm(a, formOf(await (await a.req(r.headers.get('location'))).text()), { device: 'dev-1' })
  const wait = r.headers.get('location')
  sim.approve(sim.pushes()[0].nonce)
  redis.kill('SIGKILL')
  await new Promise((resolve) => redis.once('exit', resolve))

  r = await a.req('/payment')
  assert.equal(r.status, 503, 'the guard cannot spend the approval: refused')
  assertFlowHeaders(r, 'the 503')
  r = await a.req(wait.replace('/wait?', '/status?'), { headers: { accept: 'application/json' } })
  assert.equal(r.status, 503)
  assert.equal((await r.json()).verdict, 'error')
  r = await a.req('/step-up/start?action=view-card-number&next=%2Fcard')
  const picker = await r.text()
  r = await postForm(a, formOf(picker), { device: 'dev-1' })
  assert.equal(r.status, 503, 'no push without the store')
  assert.equal(sim.pushes().length, 1)
})

test('Fastify: options are checked; a StepUpFlow can be given; the app may parse forms itself; a throwing user callable is a 500', async (t) => {
  const { client } = await setup(t)
  const stepUp = new StepUp(client, { keys: KEY, minGapMs: 0 })
  const reject = async (options, what) => {
    const app = Fastify()
    t.after(() => app.close())
    await assert.rejects(app.register(fastifyStepUp, options).ready(), TypeError, what)
  }
  await reject(undefined, 'no options')
  await reject({ stepUp }, 'no user')
  await reject({ stepUp, user: () => 'u', mnt: '/x' }, 'an unknown option')
  await reject({ stepUp: {}, user: () => 'u' }, 'not a StepUp')
  const flow = new StepUpFlow(stepUp, { mount: '/confirm' })
  await reject({ stepUp: flow, user: () => 'u', mount: '/x' }, 'mount with a StepUpFlow')

  const app = Fastify()
  // The app's own urlencoded parser (as @fastify/formbody adds): the plugin keeps it.
  let parsedByApp = 0
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    parsedByApp++
    done(null, Object.fromEntries(new URLSearchParams(body)))
  })
  await app.register(fastifyStepUp, {
    stepUp: flow,
    user: (request) => {
      if (request.headers['x-user'] === undefined) throw new Error('no auth')
      return request.headers['x-user']
    },
  })
  assert.equal(app.stepUp.flow, flow)
  assert.throws(() => app.stepUp.guard(42), TypeError)
  app.get('/p', { preHandler: app.stepUp.guard(PAY) }, async () => 'p')
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const base = `http://127.0.0.1:${app.server.address().port}`
  for (const p of ['/p', '/confirm/start?action=x']) {
    const r = await fetch(base + p)
    assert.equal(r.status, 500, p)
  }
  const a = agent(base, 'user-1')
  const picker = await (await a.req('/confirm/start?action=pay&next=%2Fp')).text()
  const r = await postForm(a, formOf(picker), { device: 'dev-1' })
  assert.equal(r.status, 303)
  assert.ok(r.headers.get('location').startsWith('/confirm/wait?'))
  assert.equal(parsedByApp, 1)
})

test('wantsJson: the same choice as Express (req.accepts(["html", "json"]))', () => {
  const accepts = require('accepts') // Express's own negotiation (a dependency of express)
  for (const accept of [
    undefined,
    '',
    '*/*',
    'application/json',
    'text/html',
    'application/json, text/html',
    'text/html, application/json',
    'text/html;q=0.5, application/json',
    'application/json;q=0.9, */*',
    'application/*',
    'text/*, application/json;q=0.1',
    'text/html;q=0, */*',
    'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'image/png',
    'application/json;q=0',
  ]) {
    const express = accepts({ headers: accept === undefined ? {} : { accept } }).type(['html', 'json']) === 'json'
    assert.equal(wantsJson(accept), express, `Accept: ${accept}`)
  }
})

test('omi-push/fastify loads without fastify installed (an optional peer dependency), from require and import', () => {
  const block = "const M=require('node:module');const r=M._resolveFilename;M._resolveFilename=function(n,...a){if(/^(fastify|@fastify\\/)/.test(n))throw new Error('no '+n);return r.call(this,n,...a)};"
  const cjs = spawnSync(process.execPath, ['-e', `${block}const f=require('omi-push/fastify');if(typeof f!=='function'||f.fastifyStepUp!==f||f.default!==f)throw new Error('exports')`], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  assert.equal(cjs.status, 0, cjs.stderr)
  const esm = spawnSync(process.execPath, ['--input-type=module', '-e', "import f, { fastifyStepUp } from 'omi-push/fastify'; if (f !== fastifyStepUp || typeof f !== 'function') throw new Error('esm')"], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  assert.equal(esm.status, 0, esm.stderr)
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  assert.equal(pkg.peerDependenciesMeta.fastify.optional, true)
  assert.deepEqual(pkg.exports['./fastify'], { types: './fastify.d.ts', require: './fastify.js', import: './fastify.mjs' })
  for (const must of ['fastify.js', 'fastify.mjs', 'fastify.d.ts', 'lib/']) assert.ok(pkg.files.includes(must), `${must} is packed`)
})

test('README omi-push/fastify: the guarded page needs an approval, then opens once', async (t) => {
  // examples/fastify-guard.ts (type-checked with the other examples), transpiled to run here.
  const ts = require('typescript')
  const out = path.join(ROOT, 'build', 'fastify-example')
  fs.mkdirSync(out, { recursive: true })
  const source = fs.readFileSync(path.join(ROOT, 'examples', 'fastify-guard.ts'), 'utf8')
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: 'fastify-guard.ts',
  })
  fs.writeFileSync(path.join(out, 'fastify-guard.js'), outputText)
  const { guardedApp } = require(path.join(out, 'fastify-guard.js'))
  const { sim, client } = await setup(t, { sim: { users: [{ id: 'alice', devices: [{ id: 'phone' }] }] } })
  const app = await guardedApp(new StepUp(client, { keys: 'fastify-guard-example-key-0123456789', minGapMs: 0 }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const a = agent(`http://127.0.0.1:${app.server.address().port}`, undefined, { 'x-user-id': 'alice' })
  let r = await a.req('/payment-method')
  assert.equal(r.status, 303)
  r = await a.req(r.headers.get('location')) // one phone: pushed at once, on to the waiting page
  assert.equal(r.status, 303)
  const wait = r.headers.get('location')
  assert.match(await (await a.req(wait)).text(), /Confirm the change of your payment method/)
  sim.approve(sim.pushes()[0].nonce)
  assert.equal((await (await a.req(wait.replace('/wait?', '/status?'))).json()).verdict, 'approved')
  r = await a.req('/payment-method')
  assert.equal(r.status, 200)
  assert.equal(await r.text(), '<h1>Change your payment method</h1>')
  assert.equal((await a.req('/payment-method')).status, 303, 'once')
})
