'use strict'
// Finds and loads a native addon for this platform, in napi-rs's per-platform layout: the
// addon of platform P (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, ...) is the file
// `<base>.P.node`, next to the package (a local `make build`) or in the package `<base>-P`
// (an optional dependency that npm installs only where its `os`, `cpu` and `libc` match).
// With no addon for this platform it throws an error that names the platform and the
// supported ones, instead of a bare MODULE_NOT_FOUND.
const fs = require('node:fs')
const path = require('node:path')

/** For the loader's own tests only: pretend to run on this platform (e.g. `darwin-arm64`). */
const OVERRIDE = 'OMI_PUSH_NATIVE_PLATFORM'

function isMusl() {
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  if (report?.header) return !report.header.glibcVersionRuntime
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    return false
  }
}

/** This process's platform in napi-rs's naming. */
function platformName() {
  const forced = process.env[OVERRIDE]
  if (forced) return forced
  const { platform, arch } = process
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

const ARCH = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm', riscv64gc: 'riscv64' }

/** napi-rs's platform name of a Rust target triple (`x86_64-unknown-linux-gnu` -> `linux-x64-gnu`). */
function platformOfTriple(triple) {
  const [cpu, , os, abi] = triple.split('-')
  const arch = ARCH[cpu] ?? cpu
  if (os === 'linux') return `linux-${arch}-${abi}`
  if (os === 'darwin') return `darwin-${arch}`
  if (os === 'windows') return `win32-${arch}-${abi}`
  return `${os}-${arch}`
}

const notFound = (e, what) => e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(what)

/**
 * Loads `<base>.<platform>.node` from `dir`, else the package `<base>-<platform>`.
 * `supported` lists the platforms that have an addon (for the error message).
 */
function loadAddon({ base, dir, supported, hint }) {
  const platform = platformName()
  const file = path.join(dir, `${base}.${platform}.node`)
  const pkg = `${base}-${platform}`
  for (const [what, load] of [
    [file, () => require(file)],
    [pkg, () => require(pkg)],
  ]) {
    try {
      return load()
    } catch (e) {
      if (notFound(e, what)) continue
      throw new Error(`${base}: the native library for ${platform} (${what}) failed to load: ${e.message}`, { cause: e })
    }
  }
  const list = supported.length > 0 ? supported.join(', ') : '(none)'
  const e = new Error(
    `${base}: no native library for this platform (${platform}). Supported platforms: ${list}.` +
      (supported.includes(platform) ? ` Reinstall so that npm installs the optional dependency ${pkg}.` : '') +
      (hint ? ` ${hint}` : ''),
  )
  e.code = 'OMI_UNSUPPORTED_PLATFORM'
  e.platform = platform
  e.supported = supported
  throw e
}

module.exports = { loadAddon, platformName, platformOfTriple, OVERRIDE }
