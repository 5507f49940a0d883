// Node implementations of the benchmark scenarios (see bench/README.md).
//   node bench.mjs omi|fetch SCENARIO.json        prints one JSON result line
// `omi` loads the omi-push package from OMI_PUSH_NODE (default: ../.build/node/omi-push,
// assembled by `make bench`) and takes the scenario's `ca_file` (caCertPem), `http2` and
// `request_budget`. `fetch` (undici) trusts the simulator's certificate the usual way: the
// harness sets NODE_EXTRA_CA_CERTS to the same file.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FetchOmi } from './handwritten.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const [impl, path] = process.argv.slice(2)
const s = JSON.parse(readFileSync(path, 'utf8'))
const nowMs = () => performance.timeOrigin + performance.now() // wall clock, sub-millisecond
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

function omiApi() {
  const pkg = process.env.OMI_PUSH_NODE ?? resolve(here, '../.build/node/omi-push')
  const { Client } = createRequire(import.meta.url)(pkg)
  const c = new Client({
    baseUrl: s.base_url,
    clientId: s.client_id,
    clientSecret: s.client_secret,
    ...(s.ca_file && { caCertPem: readFileSync(s.ca_file, 'utf8') }),
    ...(s.http2 && { http2: s.http2 }),
    ...(s.request_budget && { requestBudget: s.request_budget }),
  })
  return {
    sendPush: async () => (await c.sendPush({ userId: s.user_id, deviceId: s.device_id, message: s.message })).nonce,
    wait: async (nonce) => (await c.waitForConfirmation(nonce, { timeoutMs: s.timeout_ms, pollIntervalMs: s.poll_interval_ms })).kind,
    status: async (nonce) => (await c.confirmationStatus(nonce)).raw,
    listDevices: () => c.listDevices(s.user_id),
  }
}

function fetchApi() {
  const c = new FetchOmi(s.base_url, s.client_id, s.client_secret)
  return {
    sendPush: () => c.sendPush(s.user_id, s.device_id, s.message),
    wait: (nonce) => c.wait(nonce, s.timeout_ms, s.poll_interval_ms),
    status: (nonce) => c.status(nonce),
    listDevices: () => c.listDevices(s.user_id),
  }
}

async function run(api) {
  if (s.scenario === 'wait') {
    const t0 = performance.now()
    const one = async (i) => {
      await sleep(t0 + (s.ramp_ms * i) / s.n - performance.now())
      let nonce = null
      try {
        nonce = await api.sendPush()
        return [nonce, await api.wait(nonce), nowMs()]
      } catch (e) {
        return [nonce, `error:${e?.code ?? e?.name}`, nowMs()]
      }
    }
    return { results: await Promise.all(Array.from({ length: s.n }, (_, i) => one(i))) }
  }
  if (s.scenario === 'status') {
    const nonce = await api.sendPush()
    const lat = []
    let errors = 0
    for (let i = 0; i < s.calls; i++) {
      const t = performance.now()
      const state = await api.status(nonce)
      lat.push((performance.now() - t) * 1000)
      if (state !== 'PENDING') errors++
    }
    return { lat_us: lat, errors }
  }
  if (s.scenario === 'token') {
    const t = performance.now()
    const results = await Promise.allSettled(Array.from({ length: s.concurrency }, () => api.listDevices()))
    return { ok: results.filter((r) => r.status === 'fulfilled').length, wall_ms: performance.now() - t }
  }
  throw new Error(`unknown scenario ${s.scenario}`)
}

const api = impl === 'omi' ? omiApi() : impl === 'fetch' ? fetchApi() : null
if (!api) throw new Error(`unknown implementation ${impl}`)
console.log(JSON.stringify(await run(api)))
process.exit(0)
