// tests/interop/kafkajs/common.js
//
// Shared harness of the kafkajs interop tests (tests/interop/kafkajs/*_test.js,
// started by run.sh): each test starts its own brook-broker on a free loopback
// port with a temporary --data-dir, can stop and restart it on the same port
// and directory, and bounds every wait with a timeout. A test is an async
// function given the Broker; it passes when it returns and fails when it
// throws (node's exit code is the verdict). The broker log is printed on
// failure, or always with SHOW_BROKER_LOG=1; an ERROR line in it fails the
// test. KAFKAJS_LOG_LEVEL (NOTHING, ERROR, WARN, INFO, DEBUG) sets the client's
// log level (default ERROR).
'use strict'

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1'

const assert = require('assert')
const childProcess = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const { Kafka, logLevel } = require('kafkajs')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Rejects with a message naming `what` when `promise` is not settled in `ms`.
function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// Polls `condition` (may be async) until it is truthy; throws after `ms`.
async function waitFor(condition, ms, what) {
  const deadline = Date.now() + ms
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(50)
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

class Broker {
  constructor(binary, port, sets) {
    this.binary = binary
    this.port = port
    this.sets = sets
    this.bootstrap = `127.0.0.1:${port}`
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-kafkajs-'))
    this.logPath = path.join(this.dir, 'broker.log')
    this.proc = null
    this.starts = 0
  }

  log() {
    try {
      return fs.readFileSync(this.logPath, 'utf8')
    } catch (e) {
      return ''
    }
  }

  async start() {
    const args = ['--listen', this.bootstrap, '--data-dir', path.join(this.dir, 'data')]
    for (const s of this.sets) args.push('--set', s)
    const fd = fs.openSync(this.logPath, 'a')
    this.proc = childProcess.spawn(this.binary, args, { stdio: ['ignore', fd, fd] })
    fs.closeSync(fd)
    this.starts += 1
    const proc = this.proc
    let exited = null
    proc.on('exit', (code, signal) => {
      exited = `${code === null ? signal : code}`
    })
    // Each start adds one line; the earlier ones are already in the log.
    await waitFor(() => {
      if (exited !== null) throw new Error(`brook-broker exited (${exited}) while starting`)
      return this.log().split('Brook is listening').length - 1 >= this.starts
    }, 15000, 'brook-broker to listen')
  }

  // SIGTERM (a clean stop) by default; SIGKILL if it is still running after 20 s.
  async stop(signal = 'SIGTERM') {
    const proc = this.proc
    this.proc = null
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill(signal)
    try {
      await withTimeout(exited, 20000, `brook-broker to exit on ${signal}`)
    } catch (e) {
      proc.kill('SIGKILL')
      await exited
      throw e
    }
  }

  async restart(signal = 'SIGTERM') {
    await this.stop(signal)
    await this.start()
  }

  errorsInLog() {
    return this.log()
      .split('\n')
      .filter((l) => /\bERROR\b/.test(l))
  }

  // A kafkajs client for this broker; `overrides` go to the Kafka constructor.
  kafka(clientId, overrides = {}) {
    const level = logLevel[process.env.KAFKAJS_LOG_LEVEL || 'ERROR']
    return new Kafka({
      clientId,
      brokers: [this.bootstrap],
      logLevel: level === undefined ? logLevel.ERROR : level,
      connectionTimeout: 3000,
      requestTimeout: 10000,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
      ...overrides,
    })
  }
}

// Runs `test(broker)` against a fresh brook-broker (argv[2] is its binary;
// `sets` are --set name=value overrides) within `timeoutMs`, then exits 0 if
// it passed and the broker logged no ERROR, 1 otherwise.
function main(name, test, { timeoutMs = 120000, sets = [] } = {}) {
  const binary = process.argv[2]
  if (!binary) {
    console.error(`usage: node ${process.argv[1]} BROKER_BINARY`)
    process.exit(2)
  }
  let broker = null
  const run = async () => {
    broker = new Broker(binary, await freePort(), sets)
    await broker.start()
    await test(broker)
    const errors = broker.errorsInLog()
    assert.deepStrictEqual(errors, [], 'errors in the broker log')
  }
  const started = Date.now()
  withTimeout(run(), timeoutMs, name)
    .then(
      () => {
        console.log(`${name}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        return 0
      },
      (err) => {
        console.log(`${name}: FAILED: ${err && err.stack ? err.stack : err}`)
        return 1
      }
    )
    .then(async (code) => {
      if (broker) {
        try {
          await broker.stop()
        } catch (e) {
          console.log(`stopping the broker: ${e.message}`)
          code = 1
        }
        if (code !== 0 || process.env.SHOW_BROKER_LOG) {
          console.log('---- broker log (tail) ----')
          console.log(broker.log().split('\n').slice(-80).join('\n'))
        }
        fs.rmSync(broker.dir, { recursive: true, force: true })
      }
      // Clients left connected by a failed test must not keep node alive.
      process.exit(code)
    })
}

// Offsets are strings in kafkajs; these keep the assertions readable.
const num = (offset) => Number(offset)

// {partition: high watermark} of `topic`, through ListOffsets.
async function endOffsets(admin, topic) {
  const out = {}
  for (const p of await admin.fetchTopicOffsets(topic)) out[p.partition] = num(p.high)
  return out
}

// {partition: committed offset} of `groupId` on `topic`, through OffsetFetch.
async function committedOffsets(admin, groupId, topic) {
  const res = await admin.fetchOffsets({ groupId, topics: [topic] })
  const t = res.find((x) => x.topic === topic)
  assert.ok(t, `fetchOffsets has no ${topic}: ${JSON.stringify(res)}`)
  const out = {}
  for (const p of t.partitions) out[p.partition] = num(p.offset)
  return out
}

module.exports = { Broker, main, withTimeout, waitFor, sleep, num, endOffsets, committedOffsets }
