// Pipelining interop tests: one official nakama-js socket fires 1,000 requests back to back
// without waiting for any answer (Promise.all), as a game does when it flushes a backlog. Gantry
// stops reading the socket while the session's backlog is high (flow control) instead of closing
// it: every writeChatMessage resolves with its ack, every sendPartyData / sendMatchState reaches
// the other member in order, and nobody is disconnected.
//
// nakama-js gives each writeChatMessage a cid and a 10 s send timeout; sendPartyData and
// sendMatchState go without a cid and resolve at once (see helpers.js).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, connect, closeAllSockets, serverReady, request, isOpen,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const COUNT = 1000;
const ROOM = 1;
/** Long enough for 1,000 of anything on a loaded machine; a cut-off socket fails long before. */
const BULK_TIMEOUT_MS = 25_000;

before(() => serverReady());
after(() => closeAllSockets());

async function user(format = 'json') {
  const client = newClient();
  const session = await withTimeout(client.authenticateDevice(uniqueId('pipe-device'), true),
    STEP_TIMEOUT_MS, 'authenticateDevice');
  const socket = await connect(client, session, { format });
  return { client, session, socket };
}

/**
 * Collects the events of one socket callback; arrived(n) resolves once n have come (bounded),
 * rejecting early if the socket is disconnected.
 */
function collect(socket, handlerName) {
  const items = [];
  let waiter = null;
  socket[handlerName] = (event) => {
    items.push(event);
    if (waiter && items.length >= waiter.n) waiter.resolve();
  };
  const previous = socket.ondisconnect;
  socket.ondisconnect = (evt) => {
    previous?.(evt);
    waiter?.reject(new Error(`socket disconnected after ${items.length} ${handlerName} events`));
  };
  return {
    items,
    arrived(n, label = handlerName) {
      if (items.length >= n) return Promise.resolve();
      const p = new Promise((resolve, reject) => { waiter = { n, resolve, reject }; });
      return withTimeout(p, BULK_TIMEOUT_MS, `${n} ${label} (got ${items.length})`);
    },
  };
}

/** The socket is open and answers a ping: it was never cut off. */
async function assertOpen(u, label) {
  assert.ok(isOpen(u.socket), `${label}: socket open`);
  assert.equal(u.socket.disconnects, 0, `${label}: never disconnected`);
  const pong = await request(u.socket, { ping: {} });
  assert.ok(pong.pong, `${label}: ${JSON.stringify(pong)}`);
}

describe('pipelined requests are never cut off', S, () => {
  for (const format of ['json', 'protobuf']) {
    test(`1,000 writeChatMessage back to back on one ${format} socket all resolve with their acks`, T, async () => {
      const alice = await user(format);
      const messages = collect(alice.socket, 'onchannelmessage');
      const channel = await withTimeout(alice.socket.joinChat(uniqueId('pipe-room'), ROOM, true, false),
        STEP_TIMEOUT_MS, 'joinChat');
      const sends = [];
      for (let i = 0; i < COUNT; i++) {
        sends.push(alice.socket.writeChatMessage(channel.id, { i }));
      }
      const acks = await withTimeout(Promise.all(sends), BULK_TIMEOUT_MS, `${COUNT} writeChatMessage`);
      assert.equal(acks.length, COUNT);
      assert.equal(new Set(acks.map((ack) => ack.message_id)).size, COUNT, 'one message per send');
      for (const ack of acks) assert.equal(ack.channel_id, channel.id);
      await messages.arrived(COUNT, 'channel messages (the sender receives its own)');
      assert.deepEqual(messages.items.map((m) => m.content.i), [...Array(COUNT).keys()], 'in order');
      await assertOpen(alice, 'sender');
    });
  }

  test('1,000 sendPartyData back to back all reach the other member, in order', T, async () => {
    const a = await user();
    const b = await user();
    const data = collect(b.socket, 'onpartydata');
    const party = await withTimeout(a.socket.createParty(true, 2), STEP_TIMEOUT_MS, 'createParty');
    const joined = new Promise((resolve) => {
      b.socket.onparty = (p) => resolve(p);
    });
    await withTimeout(b.socket.joinParty(party.party_id), STEP_TIMEOUT_MS, 'joinParty');
    await withTimeout(joined, STEP_TIMEOUT_MS, 'onparty');
    const sends = [];
    for (let i = 1; i <= COUNT; i++) {
      sends.push(a.socket.sendPartyData(party.party_id, i, `data ${i}`));
    }
    await withTimeout(Promise.all(sends), BULK_TIMEOUT_MS, `${COUNT} sendPartyData`);
    await data.arrived(COUNT, 'party data');
    assert.deepEqual(data.items.map((d) => Number(d.op_code)), Array.from({ length: COUNT }, (_, i) => i + 1));
    await assertOpen(a, 'sender');
    await assertOpen(b, 'receiver');
  });

  test('1,000 sendMatchState back to back all reach the other player, in order', T, async () => {
    const a = await user();
    const b = await user();
    const data = collect(b.socket, 'onmatchdata');
    const match = await withTimeout(a.socket.createMatch(), STEP_TIMEOUT_MS, 'createMatch');
    await withTimeout(b.socket.joinMatch(match.match_id), STEP_TIMEOUT_MS, 'joinMatch');
    const sends = [];
    for (let i = 1; i <= COUNT; i++) {
      sends.push(a.socket.sendMatchState(match.match_id, i, `state ${i}`));
    }
    await withTimeout(Promise.all(sends), BULK_TIMEOUT_MS, `${COUNT} sendMatchState`);
    await data.arrived(COUNT, 'match data');
    assert.deepEqual(data.items.map((d) => Number(d.op_code)), Array.from({ length: COUNT }, (_, i) => i + 1));
    await assertOpen(a, 'sender');
    await assertOpen(b, 'receiver');
  });
});
