// tests/interop/kafkajs/roundtrip_test.js BROKER_BINARY
//
// kafkajs admin, producer and a consumer group against brook-broker:
//  1. admin.createTopics makes a 3-partition topic;
//  2. a producer (acks -1) sends 300 keyed messages with a header in three
//     sends, the second gzip-compressed; the end offsets add up to 300 and
//     every partition has some;
//  3. two consumers of one group (group.initial.rebalance.delay.ms = 3000 as
//     in Kafka, so both join the first generation) split the partitions
//     between them and read the 300 exactly once (no (partition, offset) twice,
//     each message's key, value, header and partition as sent, a key's
//     messages in one partition in send order), committing each message;
//  4. admin.fetchOffsets shows the committed offsets at the end offsets;
//  5. a third consumer of the group reads nothing old: it gets exactly the 3
//     messages produced after it joined; admin.describeGroups shows it as the
//     Stable group's only member with all 3 partitions, and the group Empty
//     after it left; admin.listGroups lists the group.
'use strict'

const assert = require('assert')
const { AssignerProtocol, CompressionTypes } = require('kafkajs')
const { main, waitFor, sleep, num, endOffsets, committedOffsets } = require('./common')

const topic = 'kjs-roundtrip'
const groupId = 'kjs-group'
const total = 300

function message(i) {
  return { key: `key-${i % 50}`, value: `value-${i}`, headers: { n: String(i) } }
}

// A consumer of `groupId` that commits each message it gets; `got` collects
// {partition, offset, key, value, n} and `assigned` holds its latest assignment.
async function startConsumer(kafka, name) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  })
  const state = { consumer, name, got: [], assigned: null, joins: 0 }
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.joins += 1
    state.assigned = (e.payload.memberAssignment[topic] || []).slice().sort()
  })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message: m }) => {
      state.got.push({
        topic: t,
        partition,
        offset: num(m.offset),
        key: m.key.toString(),
        value: m.value.toString(),
        n: m.headers.n === undefined ? null : m.headers.n.toString(),
      })
      await consumer.commitOffsets([{ topic: t, partition, offset: String(num(m.offset) + 1) }])
    },
  })
  return state
}

main(
  'kafkajs_roundtrip',
  async (broker) => {
    const kafka = broker.kafka('kjs-roundtrip')
    const admin = kafka.admin()
    await admin.connect()
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    })
    assert.strictEqual(created, true, 'createTopics reports the topic as created')
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    assert.strictEqual(meta.topics[0].partitions.length, 3)

    const producer = kafka.producer()
    await producer.connect()
    for (let part = 0; part < 3; part++) {
      const messages = []
      for (let i = part * 100; i < (part + 1) * 100; i++) messages.push(message(i))
      const res = await producer.send({
        topic,
        acks: -1,
        compression: part === 1 ? CompressionTypes.GZIP : CompressionTypes.None,
        messages,
      })
      for (const r of res) assert.strictEqual(r.errorCode, 0, JSON.stringify(r))
    }
    const ends = await endOffsets(admin, topic)
    assert.strictEqual(Object.values(ends).reduce((a, b) => a + b, 0), total, JSON.stringify(ends))
    for (const p of [0, 1, 2]) assert.ok(ends[p] > 0, `partition ${p} is empty: ${JSON.stringify(ends)}`)
    console.log('produced 300, end offsets', JSON.stringify(ends))

    // Two members of one group.
    const [c1, c2] = await Promise.all([startConsumer(kafka, 'c1'), startConsumer(kafka, 'c2')])
    const all = () => c1.got.concat(c2.got)
    await waitFor(() => all().length >= total, 30000, '300 messages between two consumers')
    await sleep(1000) // a duplicate delivery would show up now
    const got = all()
    assert.strictEqual(got.length, total, `delivered ${got.length} messages, want ${total}`)
    const seen = new Set(got.map((m) => `${m.partition}/${m.offset}`))
    assert.strictEqual(seen.size, total, 'some (partition, offset) came twice')
    assert.deepStrictEqual(got.map((m) => num(m.n)).sort((a, b) => a - b), [...Array(total).keys()])
    const keyPartition = {}
    const lastN = {}
    for (const m of got.slice().sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      const expected = message(num(m.n))
      assert.strictEqual(m.key, expected.key)
      assert.strictEqual(m.value, expected.value)
      assert.strictEqual(keyPartition[m.key] ?? m.partition, m.partition, `${m.key} in two partitions`)
      keyPartition[m.key] = m.partition
      assert.ok((lastN[m.key] ?? -1) < num(m.n), `${m.key} out of send order`)
      lastN[m.key] = num(m.n)
    }
    // The assignment is split: each member has partitions, none twice, and
    // each read only its own.
    for (const c of [c1, c2]) {
      assert.ok(c.assigned && c.assigned.length > 0, `${c.name} got no partitions`)
      const read = new Set(c.got.map((m) => m.partition))
      for (const p of read) assert.ok(c.assigned.includes(p), `${c.name} read partition ${p}`)
      assert.ok(c.got.length > 0, `${c.name} read nothing`)
    }
    assert.deepStrictEqual(c1.assigned.concat(c2.assigned).sort(), [0, 1, 2])
    console.log(`c1 ${JSON.stringify(c1.assigned)} read ${c1.got.length}, ` +
                `c2 ${JSON.stringify(c2.assigned)} read ${c2.got.length}, joins ${c1.joins}+${c2.joins}`)

    const live = await admin.describeGroups([groupId])
    assert.strictEqual(live.groups[0].state, 'Stable', JSON.stringify(live.groups[0].state))
    assert.strictEqual(live.groups[0].members.length, 2)
    await Promise.all([c1.consumer.disconnect(), c2.consumer.disconnect()])
    assert.deepStrictEqual(await committedOffsets(admin, groupId, topic), ends)

    // A third member reads nothing old, then exactly what comes after.
    const c3 = await startConsumer(kafka, 'c3')
    await waitFor(() => c3.assigned && c3.assigned.length === 3, 20000, 'c3 to get 3 partitions')
    await sleep(1500)
    assert.deepStrictEqual(c3.got, [], 'c3 read committed messages again')
    const described = await admin.describeGroups([groupId])
    assert.strictEqual(described.groups.length, 1)
    const g = described.groups[0]
    assert.strictEqual(g.groupId, groupId)
    assert.strictEqual(g.errorCode, 0)
    assert.strictEqual(g.state, 'Stable')
    assert.strictEqual(g.protocolType, 'consumer')
    assert.strictEqual(g.protocol, 'RoundRobinAssigner')
    assert.strictEqual(g.members.length, 1, JSON.stringify(g.members))
    assert.strictEqual(g.members[0].clientId, 'kjs-roundtrip')
    const assignment = AssignerProtocol.MemberAssignment.decode(g.members[0].memberAssignment)
    assert.deepStrictEqual(assignment.assignment[topic].slice().sort(), [0, 1, 2])

    await producer.send({
      topic,
      acks: -1,
      messages: [0, 1, 2].map((p) => ({ partition: p, key: `late-${p}`, value: `late-${p}` })),
    })
    await waitFor(() => c3.got.length >= 3, 15000, 'c3 to read the 3 late messages')
    await sleep(500)
    assert.deepStrictEqual(
      c3.got.map((m) => [m.partition, m.offset, m.value]).sort(),
      [0, 1, 2].map((p) => [p, ends[p], `late-${p}`])
    )
    await c3.consumer.disconnect()
    const after = await committedOffsets(admin, groupId, topic)
    assert.deepStrictEqual(after, { 0: ends[0] + 1, 1: ends[1] + 1, 2: ends[2] + 1 })
    const empty = await admin.describeGroups([groupId])
    assert.strictEqual(empty.groups[0].state, 'Empty')
    assert.deepStrictEqual(empty.groups[0].members, [])
    const listed = await admin.listGroups()
    assert.ok(
      listed.groups.some((x) => x.groupId === groupId && x.protocolType === 'consumer'),
      JSON.stringify(listed)
    )
    console.log('c3 read only the 3 late messages; committed', JSON.stringify(after))
    await producer.disconnect()
    await admin.disconnect()
  },
  { sets: ['group.initial.rebalance.delay.ms=3000'] }
)
