// The baseline: an OMI push client as a competent Node developer writes it with `fetch`.
// One connection pool (the global dispatcher, keep-alive), one OAuth token shared by every
// call (concurrent first calls wait for a single token request), one refresh on a 401, and
// the same poll cadence as omi-push: the first poll one interval after the wait starts, each
// next one an interval after the previous poll started.

const SCOPES = [
  'credential:omi:devices:get',
  'credential:omi:push-notification:device:post',
  'credential:omi:push-notification:post',
  'credential:omi:push-notification:status:get',
].join(' ')
const FINAL = { CONFIRMED: 'confirmed', REJECTED: 'rejected', EXPIRED: 'expired' }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

export class FetchOmi {
  #base
  #basic
  #token = null
  #expires = 0
  #pending = null

  constructor(baseUrl, clientId, clientSecret) {
    this.#base = baseUrl
    this.#basic = 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')
  }

  async #getToken(stale) {
    if (this.#token && this.#token !== stale && Date.now() < this.#expires) return this.#token
    this.#pending ??= this.#fetchToken().finally(() => { this.#pending = null })
    return this.#pending
  }

  async #fetchToken() {
    const r = await fetch(`${this.#base}/auth/oauth2.0/v1/token`, {
      method: 'POST',
      headers: { authorization: this.#basic },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPES }),
    })
    if (!r.ok) throw new Error(`token endpoint: HTTP ${r.status}`)
    const body = await r.json()
    this.#token = body.access_token
    this.#expires = Date.now() + 800 * body.expires_in
    return this.#token
  }

  async #request(method, path, json) {
    const init = (token) => ({
      method,
      headers: { authorization: `Bearer ${token}`, ...(json && { 'content-type': 'application/json' }) },
      body: json && JSON.stringify(json),
    })
    let token = await this.#getToken()
    let r = await fetch(this.#base + path, init(token))
    if (r.status === 401) { // token revoked or expired early: refresh once, retry once
      await r.arrayBuffer()
      token = await this.#getToken(token)
      r = await fetch(this.#base + path, init(token))
    }
    if (!r.ok) {
      await r.arrayBuffer()
      throw new Error(`${method} ${path}: HTTP ${r.status}`)
    }
    return r.json()
  }

  async listDevices(userId) {
    return (await this.#request('GET', `/omi/users/${encodeURIComponent(userId)}/devices`)).devices
  }

  async sendPush(userId, deviceId, message) {
    const nonce = crypto.getRandomValues(Buffer.alloc(18)).toString('base64url')
    await this.#request('POST', `/omi/push/user/${encodeURIComponent(userId)}/device/${encodeURIComponent(deviceId)}`,
      { message, nonce })
    return nonce
  }

  async status(nonce) {
    return (await this.#request('GET', `/omi/push/confirmation?nonce=${encodeURIComponent(nonce)}`)).status.toUpperCase()
  }

  async wait(nonce, timeoutMs, intervalMs) {
    const deadline = performance.now() + timeoutMs
    let next = performance.now() + intervalMs
    while (next < deadline) {
      await sleep(next - performance.now())
      const started = performance.now()
      let state = null
      try {
        state = await this.status(nonce)
      } catch {
        // transient: try again next interval
      }
      if (FINAL[state]) return FINAL[state]
      next = started + intervalMs
    }
    return 'timed_out'
  }
}
