'use strict'
// The native half of `omi-push/testing`; use that entry point of the `omi-push` package:
//   const { Simulator } = require('omi-push/testing')
throw new Error("omi-push-testing is the testing kit of omi-push: use require('omi-push/testing') (or import from 'omi-push/testing')")
