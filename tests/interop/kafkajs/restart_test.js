// tests/interop/kafkajs/restart_test.js BROKER_BINARY
//
// Committed offsets and data survive a brook-broker restart (SIGTERM, then the
// same --data-dir and port), seen through kafkajs:
//  1. a producer sends 30 messages over 3 partitions; a consumer of group
//     kjs-restart (kafkajs's default auto-commit) reads them and commits 10 per
//     partition; another consumer, of group kjs-live, reads them too and stays
//     connected through the restart;
//  2. after the restart admin.fetchOffsets shows the committed offsets, the
//     producer from before the restart sends 15 more (it reconnects), and a
//     new consumer of kjs-restart reads exactly those 15 (offsets 10-14 of each
//     partition), nothing from before;
//  3. the kjs-live consumer reads the 15 new messages too, 45 in all, none
//     twice.
'use strict'

const assert = require('assert')
const { main, waitFor, sleep, num, endOffsets, committedOffsets } = require('./common')

const topic = 'kjs-restart'

async function startConsumer(kafka, groupId) {
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 200,
    heartbeatInterval: 500,
    sessionTimeout: 10000,
  })
  const got = []
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message: m }) => {
      got.push({ partition, offset: num(m.offset), value: m.value.toString() })
    },
  })
  return { consumer, got }
}

const batch = (from, n) =>
  [...Array(n).keys()].map((j) => ({ partition: (from + j) % 3, value: `m${from + j}` }))

main('kafkajs_restart', async (broker) => {
  const kafka = broker.kafka('kjs-restart')
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, acks: -1, messages: batch(0, 30) })
  assert.deepStrictEqual(await endOffsets(admin, topic), { 0: 10, 1: 10, 2: 10 })

  const first = await startConsumer(kafka, 'kjs-restart')
  const live = await startConsumer(kafka, 'kjs-live')
  await waitFor(() => first.got.length >= 30 && live.got.length >= 30, 30000, '30 messages each')
  const ten = { 0: 10, 1: 10, 2: 10 }
  for (const g of ['kjs-restart', 'kjs-live']) {
    await waitFor(
      async () => JSON.stringify(await committedOffsets(admin, g, topic)) === JSON.stringify(ten),
      10000,
      `${g} to commit offset 10 on each partition`
    )
  }
  await first.consumer.disconnect()
  assert.strictEqual(first.got.length, 30)

  console.log('restarting the broker (kafkajs logs connection errors meanwhile)')
  await broker.restart()
  console.log('broker restarted')
  assert.deepStrictEqual(await committedOffsets(admin, 'kjs-restart', topic), ten)
  assert.deepStrictEqual(await endOffsets(admin, topic), ten)
  await producer.send({ topic, acks: -1, messages: batch(30, 15) })
  assert.deepStrictEqual(await endOffsets(admin, topic), { 0: 15, 1: 15, 2: 15 })

  const second = await startConsumer(kafka, 'kjs-restart')
  await waitFor(() => second.got.length >= 15, 30000, 'the 15 new messages')
  await sleep(1000) // anything older would show up now
  const key = (m) => `${m.partition}/${m.offset}/${m.value}`
  assert.deepStrictEqual(
    second.got.map(key).sort(),
    batch(30, 15).map((m, j) => `${m.partition}/${10 + Math.floor(j / 3)}/${m.value}`).sort(),
    'the resumed consumer did not start at the committed offsets'
  )
  await second.consumer.disconnect()
  await waitFor(
    async () => (await committedOffsets(admin, 'kjs-restart', topic))[0] === 15,
    10000,
    'kjs-restart to commit offset 15'
  )
  console.log('kjs-restart resumed at offset 10 and read the 15 new messages')

  await waitFor(() => live.got.length >= 45, 30000, 'the live consumer to read the new messages')
  await sleep(1000)
  const liveKeys = live.got.map(key)
  assert.strictEqual(new Set(liveKeys).size, liveKeys.length, 'the live consumer read some twice')
  assert.strictEqual(liveKeys.length, 45)
  console.log('the consumer connected through the restart read all 45 once')
  await live.consumer.disconnect()
  await producer.disconnect()
  await admin.disconnect()
})
