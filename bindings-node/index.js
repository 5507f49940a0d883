'use strict'
// omi-push: confirm a sensitive action on the user's phone through the OMI push API.
const { Client, generateNonce } = require('./lib/client.js')
const { PushTicket } = require('./lib/ticket.js')
const errors = require('./lib/errors.js')

module.exports = {
  Client,
  PushTicket,
  generateNonce,
  OmiError: errors.OmiError,
  InvalidArgumentError: errors.InvalidArgumentError,
  ConfigError: errors.ConfigError,
  AuthenticationError: errors.AuthenticationError,
  PermissionDeniedError: errors.PermissionDeniedError,
  NotFoundError: errors.NotFoundError,
  RateLimitedError: errors.RateLimitedError,
  ServerError: errors.ServerError,
  TransportError: errors.TransportError,
  ProtocolError: errors.ProtocolError,
  CancelledError: errors.CancelledError,
}
