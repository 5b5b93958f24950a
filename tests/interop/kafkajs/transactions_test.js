// tests/interop/kafkajs/transactions_test.js BROKER_BINARY
//
// kafkajs transactions against brook-broker:
//  1. a transactional producer (transactionalId, idempotent) commits 10
//     messages, aborts 10, commits 5 on a 1-partition topic: the end offset is
//     28 (25 records + 3 markers); a readUncommitted: false consumer sees only
//     the 15 committed messages, at their offsets (0-9 and 22-26); a
//     readUncommitted: true consumer sees all 25 and no control record;
//  2. exactly-once consume-transform-produce: a consumer of group kjs-ctp
//     (autoCommit off) reads 50 input messages over 2 partitions and, per
//     message, a transaction sends the transformed message to the output topic
//     and the next input offset with transaction.sendOffsets({consumerGroupId,
//     topics}); one of them is first done in a transaction that is aborted
//     (the group's offset does not move) and then redone. A read_committed
//     reader of the output gets each of the 50 once and nothing from the
//     aborted attempt, and the group's committed offsets (admin.fetchOffsets)
//     reach the input's end offsets.
'use strict'

const assert = require('assert')
const { main, waitFor, sleep, num, endOffsets, committedOffsets } = require('./common')

// Reads `topic` from the beginning with a new group until `want` messages
// came, then 1 s more (anything extra would show up), and returns them.
async function readAll(kafka, topic, groupId, want, { readUncommitted = false } = {}) {
  const consumer = kafka.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 200 })
  const got = []
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message: m }) => {
      got.push({
        partition,
        offset: num(m.offset),
        value: m.value === null ? null : m.value.toString(),
        control: m.isControlRecord,
      })
    },
  })
  try {
    await waitFor(() => got.length >= want, 30000, `${want} messages from ${topic} (${groupId})`)
  } catch (e) {
    throw new Error(`${e.message}; got ${JSON.stringify(got)}`)
  }
  await sleep(1000)
  await consumer.disconnect()
  return got
}

async function commitAndAbort(kafka, admin) {
  const topic = 'kjs-txn'
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })
  const producer = kafka.producer({
    transactionalId: 'kjs-tx',
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  const range = (prefix, n) => [...Array(n).keys()].map((i) => ({ value: `${prefix}-${i}` }))
  const steps = [
    ['committed-1', 10, 'commit'],
    ['aborted', 10, 'abort'],
    ['committed-2', 5, 'commit'],
  ]
  for (const [prefix, n, end] of steps) {
    const txn = await producer.transaction()
    await txn.send({ topic, messages: range(prefix, n) })
    await txn[end]()
  }
  await producer.disconnect()
  // Each transaction ends with one marker record.
  await waitFor(async () => (await endOffsets(admin, topic))[0] === 28, 10000, 'end offset 28')

  const committed = await readAll(kafka, topic, 'kjs-txn-committed', 15)
  const want = range('committed-1', 10).concat(range('committed-2', 5)).map((m) => m.value)
  assert.deepStrictEqual(committed.map((m) => m.value), want, 'read_committed saw other messages')
  assert.deepStrictEqual(
    committed.map((m) => m.offset),
    [...Array(10).keys()].concat([22, 23, 24, 25, 26])
  )
  const all = await readAll(kafka, topic, 'kjs-txn-uncommitted', 25, { readUncommitted: true })
  assert.deepStrictEqual(
    all.map((m) => m.value),
    range('committed-1', 10).concat(range('aborted', 10), range('committed-2', 5)).map((m) => m.value)
  )
  assert.ok(all.every((m) => !m.control))
  console.log('commit/abort/commit: read_committed 15, read_uncommitted 25, end offset 28')
}

async function consumeTransformProduce(kafka, admin) {
  const input = 'kjs-ctp-in'
  const output = 'kjs-ctp-out'
  const groupId = 'kjs-ctp'
  const total = 50
  await admin.createTopics({
    topics: [
      { topic: input, numPartitions: 2 },
      { topic: output, numPartitions: 2 },
    ],
    waitForLeaders: true,
  })
  const plain = kafka.producer()
  await plain.connect()
  await plain.send({
    topic: input,
    acks: -1,
    messages: [...Array(total).keys()].map((i) => ({ partition: i % 2, key: `k${i}`, value: `${i}` })),
  })
  await plain.disconnect()
  const inputEnds = await endOffsets(admin, input)
  assert.deepStrictEqual(inputEnds, { 0: 25, 1: 25 })

  const producer = kafka.producer({
    transactionalId: 'kjs-ctp-tx',
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, heartbeatInterval: 500 })
  await consumer.connect()
  await consumer.subscribe({ topics: [input], fromBeginning: true })
  let processed = 0
  let aborted = 0
  let afterAbort = null
  const transform = async (partition, m, suffix, end) => {
    const txn = await producer.transaction()
    try {
      await txn.send({
        topic: output,
        messages: [{ key: m.key, value: `out-${m.value.toString()}${suffix}` }],
      })
      await txn.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition, offset: String(num(m.offset) + 1) }] }],
      })
      await txn[end]()
    } catch (e) {
      if (txn.isActive()) await txn.abort()
      throw e
    }
  }
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message: m }) => {
      if (m.value.toString() === '25' && aborted === 0) {
        await transform(partition, m, '-aborted', 'abort')
        aborted += 1
        // The aborted transaction's offset never becomes the group's.
        afterAbort = (await committedOffsets(admin, groupId, input))[partition]
        assert.ok(afterAbort <= num(m.offset), `aborted offset committed: ${afterAbort}`)
      }
      await transform(partition, m, '', 'commit')
      processed += 1
    },
  })
  await waitFor(() => processed >= total, 60000, `${total} input messages processed`)
  await sleep(500)
  await consumer.disconnect()
  await producer.disconnect()
  assert.strictEqual(processed, total, 'an input message was processed twice')
  assert.strictEqual(aborted, 1)
  assert.notStrictEqual(afterAbort, null)

  const out = await readAll(kafka, output, 'kjs-ctp-check', total)
  assert.deepStrictEqual(
    out.map((m) => m.value).sort(),
    [...Array(total).keys()].map((i) => `out-${i}`).sort(),
    'the output is not each input once'
  )
  // Markers complete the commits; Kafka writes them after EndTxn answers.
  let committed = null
  await waitFor(
    async () => {
      committed = await committedOffsets(admin, groupId, input)
      return committed[0] === inputEnds[0] && committed[1] === inputEnds[1]
    },
    10000,
    `committed offsets at the input's end ${JSON.stringify(inputEnds)}`
  ).catch((e) => {
    throw new Error(`${e.message}; committed ${JSON.stringify(committed)}`)
  })
  console.log(`consume-transform-produce: ${total} once, one aborted attempt; committed ` +
              JSON.stringify(committed))
}

main('kafkajs_transactions', async (broker) => {
  const kafka = broker.kafka('kjs-transactions')
  const admin = kafka.admin()
  await admin.connect()
  await commitAndAbort(kafka, admin)
  await consumeTransformProduce(kafka, admin)
  await admin.disconnect()
})
