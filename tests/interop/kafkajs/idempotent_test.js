// tests/interop/kafkajs/idempotent_test.js BROKER_BINARY
//
// kafkajs's idempotent producer (idempotent: true, maxInFlightRequests 1, acks
// -1) against brook-broker: 200 messages in 20 sends over 2 partitions; the end
// offsets are 100 and 100 (nothing written twice) and a consumer reads each
// message once, each partition in send order at offsets 0..99. The batches
// carry the producer id InitProducerId gave (not -1), epoch 0, and sequences
// that start at 0 and follow the offsets; a second idempotent producer gets
// another producer id.
'use strict'

const assert = require('assert')
const { main, waitFor, sleep, num, endOffsets } = require('./common')

const topic = 'kjs-idempotent'
const total = 200

main('kafkajs_idempotent', async (broker) => {
  const kafka = broker.kafka('kjs-idempotent')
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  for (let s = 0; s < total / 10; s++) {
    const messages = []
    for (let i = s * 10; i < (s + 1) * 10; i++) {
      messages.push({ partition: i % 2, key: `k${i}`, value: `v${i}` })
    }
    const res = await producer.send({ topic, acks: -1, messages })
    for (const r of res) assert.strictEqual(r.errorCode, 0, JSON.stringify(r))
  }
  assert.deepStrictEqual(await endOffsets(admin, topic), { 0: 100, 1: 100 })

  const consumer = kafka.consumer({ groupId: 'kjs-idempotent', maxWaitTimeInMs: 200 })
  const got = []
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message: m }) => {
      got.push({ partition, offset: num(m.offset), value: m.value.toString(), batch: m.batchContext })
    },
  })
  await waitFor(() => got.length >= total, 30000, `${total} messages`)
  await sleep(1000) // a duplicate would show up now
  assert.strictEqual(got.length, total)
  const producerIds = new Set(got.map((m) => String(m.batch.producerId)))
  assert.strictEqual(producerIds.size, 1, `producer ids ${[...producerIds]}`)
  const [producerId] = producerIds
  assert.notStrictEqual(producerId, '-1', 'the batches carry no producer id')
  for (const p of [0, 1]) {
    const mine = got.filter((m) => m.partition === p)
    assert.deepStrictEqual(mine.map((m) => m.offset), [...Array(100).keys()], `partition ${p} offsets`)
    assert.deepStrictEqual(
      mine.map((m) => m.value),
      [...Array(100).keys()].map((j) => `v${2 * j + p}`),
      `partition ${p} values out of order`
    )
    for (const m of mine) {
      assert.strictEqual(m.batch.producerEpoch, 0)
      const sequence = m.batch.firstSequence + (m.offset - num(m.batch.firstOffset))
      assert.strictEqual(sequence, m.offset, `partition ${p} offset ${m.offset}: sequence ${sequence}`)
    }
  }
  console.log(`read ${total} once in order; producer id ${producerId}, sequences follow offsets`)
  await consumer.disconnect()

  // A second idempotent producer has another id.
  const other = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await other.connect()
  await other.send({ topic, acks: -1, messages: [{ partition: 0, value: 'other' }] })
  const check = kafka.consumer({ groupId: 'kjs-idempotent-check', maxWaitTimeInMs: 200 })
  let last = null
  await check.connect()
  await check.subscribe({ topics: [topic], fromBeginning: true })
  await check.run({
    eachMessage: async ({ partition, message: m }) => {
      if (partition === 0 && num(m.offset) === 100) last = m
    },
  })
  await waitFor(() => last !== null, 20000, 'the second producer\'s message')
  assert.strictEqual(last.value.toString(), 'other')
  assert.notStrictEqual(String(last.batchContext.producerId), producerId)
  assert.notStrictEqual(String(last.batchContext.producerId), '-1')
  assert.strictEqual(last.batchContext.firstSequence, 0)
  await Promise.all([check.disconnect(), other.disconnect(), producer.disconnect()])
  await admin.disconnect()
})
