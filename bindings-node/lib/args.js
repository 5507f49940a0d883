'use strict'
// Argument type checks: a wrong type throws `TypeError` at once, before any native call.
// Messages name the argument and its type, never its value (it may be a secret).

function describe(v) {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return `type ${typeof v}`
}

function fail(name, expected, v) {
  const e = new TypeError(`${name} must be ${expected}, got ${describe(v)}`)
  e.code = 'ERR_INVALID_ARG_TYPE'
  return e
}

function string(name, v) {
  if (typeof v !== 'string') throw fail(name, 'a string', v)
  return v
}

function optString(name, v) {
  if (v === undefined || v === null) return undefined
  return string(name, v)
}

function optNumber(name, v) {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number') throw fail(name, 'a number', v)
  return v
}

function optBoolean(name, v) {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') throw fail(name, 'a boolean', v)
  return v
}

function optInteger(name, v) {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw fail(name, 'a non-negative integer', v)
  }
  return v
}

function optStringArray(name, v) {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw fail(name, 'an array of strings', v)
  return [...v]
}

/** A plain options object whose keys are all in `allowed`; `undefined` gives `{}`. */
function options(name, v, allowed, required = false) {
  if (v === undefined && !required) return {}
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw fail(name, 'an object', v)
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      const e = new TypeError(`${name} has an unknown option \`${key}\` (known: ${allowed.join(', ')})`)
      e.code = 'ERR_INVALID_ARG_VALUE'
      throw e
    }
  }
  return v
}

function optSignal(name, v) {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || typeof v.aborted !== 'boolean' || typeof v.addEventListener !== 'function') {
    throw fail(name, 'an AbortSignal', v)
  }
  return v
}

module.exports = { fail, string, optString, optNumber, optBoolean, optInteger, optStringArray, options, optSignal }
