'use strict'
// Starts the Spring Boot example as its own process (`java -cp … DemoApplication`, built by
// `make build`) and reads the URLs it prints. Settings go in through SPRING_APPLICATION_JSON.
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.join(__dirname, '..')
const MAIN = 'dev.omipush.examples.spring.DemoApplication'

function classpath() {
  const file = path.join(ROOT, 'target', 'run-classpath.txt')
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run make build (or make test)`)
  return [path.join(ROOT, 'target', 'classes'), fs.readFileSync(file, 'utf8').trim()].join(path.delimiter)
}

/**
 * One app process on a free port. `settings` are Spring properties (nested objects); `env`
 * extra environment variables. Resolves { url, phoneUrl, simUrl, close, output }.
 */
async function startApp({ settings = {}, env = {} } = {}) {
  const childEnv = { ...process.env, PORT: '0', SPRING_APPLICATION_JSON: JSON.stringify(settings), ...env }
  for (const k of ['OMI_BASE_URL', 'OMI_CLIENT_ID', 'OMI_CLIENT_SECRET', 'STEP_UP_KEY', 'REDIS_URL']) {
    if (!(k in env)) delete childEnv[k]
  }
  const child = spawn('java', ['-Xss1m', '-XX:TieredStopAtLevel=1', '-cp', classpath(), MAIN], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const ready = new Promise((resolve, reject) => {
    const seen = {}
    const onData = (chunk) => {
      output += chunk
      for (const line of output.split('\n')) {
        const m = line.match(/^(App|Virtual phone):\s+(\S+)/)
        if (m) seen[m[1]] = m[2]
      }
      // With the simulator both lines come; on a real tenant only the first.
      if (seen.App && (seen['Virtual phone'] || settings['omi-push']?.simulator?.enabled === false)) resolve(seen)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (c) => (output += c))
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before it printed its URLs:\n${output}`)))
    setTimeout(() => reject(new Error(`the app did not start within 90 s:\n${output}`)), 90_000).unref()
  })
  const seen = await ready
  const phoneUrl = seen['Virtual phone']
  return {
    url: seen.App,
    phoneUrl,
    simUrl: phoneUrl && new URL(phoneUrl).origin,
    output: () => output,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** The simulator's control routes (/_sim/…), as the tests use them. */
function simulator(simUrl) {
  const call = async (method, route, body) => {
    const r = await fetch(simUrl + route, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    })
    if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`)
    return r.json()
  }
  return {
    pushes: () => call('GET', '/_sim/pushes'),
    expire: (nonce) => call('POST', `/_sim/pushes/${nonce}/expire`),
    addDevice: (user, device) => call('POST', `/_sim/users/${user}/devices`, device),
    phoneUrl: (device) => `${simUrl}/_sim/phone/${device}`,
  }
}

module.exports = { startApp, simulator }
