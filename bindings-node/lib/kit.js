'use strict'
// The testing kit's native addon: the simulator lives in the package `omi-push-testing`
// (a dev dependency of your tests), never in `omi-push`'s own native library. Without it,
// `require('omi-push/testing')` throws an error that says what to install.
const path = require('node:path')
const fs = require('node:fs')
const { loadAddon } = require('./platform.js')

const KIT = 'omi-push-testing'

function kitDir() {
  try {
    return path.dirname(require.resolve(`${KIT}/package.json`))
  } catch (e) {
    if (e?.code !== 'MODULE_NOT_FOUND') throw e
    const missing = new Error(
      `omi-push/testing needs the omi-push testing kit, a separate package: ` +
        `npm install --save-dev ${KIT} (the same version as omi-push)`,
      { cause: e },
    )
    missing.code = 'MODULE_NOT_FOUND'
    throw missing
  }
}

const dir = kitDir()
const supported = fs
  .readdirSync(dir)
  .filter((n) => n.startsWith(`${KIT}.`) && n.endsWith('.node'))
  .map((n) => n.slice(KIT.length + 1, -'.node'.length))

module.exports = loadAddon({ base: KIT, dir, supported })
