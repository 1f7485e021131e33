// Matches across the nodes of a cluster: a relayed match with a player on each node, and an
// authoritative match (the tic-tac-toe module) that lives on one node and is created, listed,
// joined and played from the others.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, closeAllSockets, sleep } from '../tests/helpers.js';
import { clusterReady, player, step, awaitPresence } from './cluster-helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const OP_MOVE = 1;
const OP_STATE = 2;
const text = (data) => (typeof data === 'string' ? data : new TextDecoder().decode(data));

before(() => clusterReady());
after(() => closeAllSockets());

test('a relayed match with a player on each node: joins, presence events and data once per player', T, async () => {
  const [a, b, c] = await Promise.all([player(0), player(1, { format: 'protobuf' }), player(2)]);
  const match = await step(a.socket.createMatch(), 'a creates on node1');
  const joinedB = await step(b.socket.joinMatch(match.match_id), 'b joins on node2');
  assert.deepEqual(joinedB.presences.map((p) => p.user_id), [a.userId], 'node2 lists the creator on node1');
  await awaitPresence(a.matchPresences, b.userId, true, 'a told of b');
  const joinedC = await step(c.socket.joinMatch(match.match_id), 'c joins on node3');
  assert.deepEqual(new Set(joinedC.presences.map((p) => p.user_id)), new Set([a.userId, b.userId]));
  await awaitPresence(a.matchPresences, c.userId, true, 'a told of c');
  await awaitPresence(b.matchPresences, c.userId, true, 'b told of c');

  // every node lists the relayed match with every node's players
  for (const who of [a, c]) {
    let listed;
    for (let i = 0; i < 50 && !(listed && listed.size === 3); i++) {
      const list = await step(who.client.listMatches(who.session, 100, false), `listMatches on node${who.node + 1}`);
      listed = (list.matches || []).find((m) => m.match_id === match.match_id);
      if (!(listed && listed.size === 3)) await sleep(100);
    }
    assert.equal(listed?.size, 3, `node${who.node + 1} lists the match with its three players`);
  }

  for (let i = 0; i < 20; i++) {
    await step(a.socket.sendMatchState(match.match_id, 7, `from a ${i}`), 'a sends');
  }
  for (const who of [b, c]) {
    for (let i = 0; i < 20; i++) {
      const data = await who.matchData.nextMatching((d) => d.op_code === 7, undefined, `data ${i}`);
      assert.equal(text(data.data), `from a ${i}`, 'in order, once each');
      assert.equal(data.presence.user_id, a.userId);
    }
  }
  await a.matchData.expectNone(300, 'data back to the sender');
  await b.matchData.expectNone(0, 'a second copy');

  // chosen recipients across nodes
  await step(b.socket.sendMatchState(match.match_id, 8, 'to c only', [joinedC.self]), 'b sends to c');
  const only = await c.matchData.nextMatching((d) => d.op_code === 8, undefined, 'the targeted data');
  assert.equal(text(only.data), 'to c only');
  await a.matchData.expectNone(300, 'the targeted data');

  await step(c.socket.leaveMatch(match.match_id), 'c leaves');
  await awaitPresence(a.matchPresences, c.userId, false, 'a told c left');
  await awaitPresence(b.matchPresences, c.userId, false, 'b told c left');
});

test('an authoritative match on node1, created, listed, joined and played from node2 and node3', T, async () => {
  const [a, b] = await Promise.all([player(1), player(2, { format: 'protobuf' })]);
  const created = await step(a.client.rpc(a.session, 'tictactoe_create', {}), 'rpc on node2');
  const id = created.payload.match_id;
  const owner = id.slice(id.indexOf('.') + 1);
  assert.equal(owner, 'node2', 'the match lives on the node that ran the RPC');

  // listed on every node within the label interval
  let listed;
  for (let i = 0; i < 50 && !listed; i++) {
    const list = await step(b.client.listMatches(b.session, 100, true, undefined, undefined, undefined,
      '+label.game:tictactoe'), 'listMatches on node3');
    listed = (list.matches || []).find((m) => m.match_id === id);
    if (!listed) await sleep(100);
  }
  assert.ok(listed, 'node3 lists the match of node2');
  assert.equal(listed.authoritative, true);

  const joinedB = await step(b.socket.joinMatch(id), 'b joins from node3');
  assert.equal(joinedB.authoritative, true);
  assert.equal(joinedB.match_id, id);
  await step(a.socket.joinMatch(id), 'a joins on node2');
  await awaitPresence(b.matchPresences, a.userId, true, 'b (node3) told of a');

  const start = JSON.parse(text((await b.matchData.nextMatching((d) => d.op_code === OP_STATE, undefined, 'start')).data));
  assert.equal(start.next, b.userId, 'b sat first');
  await step(b.socket.sendMatchState(id, OP_MOVE, JSON.stringify({ cell: 0 })), 'b moves from node3');
  for (const p of [a, b]) {
    const state = JSON.parse(text((await p.matchData.nextMatching(
      (d) => d.op_code === OP_STATE && JSON.parse(text(d.data)).board[0] === 'X', undefined, 'the move')).data));
    assert.equal(state.next, a.userId);
  }
  await step(b.socket.leaveMatch(id), 'b leaves from node3');
  await awaitPresence(a.matchPresences, b.userId, false, 'a told b left');
});
