// Last: node1 (which holds the matchmaker's lease, having started first) is killed (SIGKILL) while
// the users of node2 and node3 chat with each other. Within the node ttl the survivors see its
// user leave the room and the relayed match, the party it owned closes for its members elsewhere,
// its authoritative match ends for its players elsewhere, the party elsewhere loses it, and the
// matchmaker's pool moves to a survivor with the survivors' tickets. Nothing the survivors send
// each other is lost or duplicated.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeAllSockets, uniqueId, sleep } from '../tests/helpers.js';
import { clusterReady, player, step, awaitPresence, PIDS } from './cluster-helpers.js';

const ROOM = 1;
const EACH = 300;
const KILL_AFTER = 100;

before(() => clusterReady());
after(() => closeAllSockets());

test('kill -9 of a node under load: the others notice, tell their users and keep serving', { timeout: 120_000 }, async () => {
  assert.equal(PIDS.length, 3, 'GANTRY_CLUSTER_PIDS names the three nodes');
  const [victim, a, b] = await Promise.all([player(0), player(1), player(2, { format: 'protobuf' })]);

  // a room and a relayed match with a member on each node
  const room = uniqueId('room');
  const channel = await step(victim.socket.joinChat(room, ROOM, false, false), 'victim joins');
  await step(a.socket.joinChat(room, ROOM, false, false), 'a joins');
  await step(b.socket.joinChat(room, ROOM, false, false), 'b joins');
  await awaitPresence(a.presences, b.userId, true, 'a told of b');
  const match = await step(victim.socket.createMatch(), 'victim creates a match');
  await step(a.socket.joinMatch(match.match_id), 'a joins the match');
  await step(b.socket.joinMatch(match.match_id), 'b joins the match');
  await awaitPresence(a.matchPresences, b.userId, true, 'a told of b in the match');

  // a party on node1 with a member on node2, and a party on node2 with the victim in it
  const doomed = await step(victim.socket.createParty(true, 4), 'party on node1');
  await step(a.socket.joinParty(doomed.party_id), 'a joins the party of node1');
  await a.parties.next(undefined, 'a in the party of node1');
  const surviving = await step(b.socket.createParty(true, 4), 'party on node3');
  await step(victim.socket.joinParty(surviving.party_id), 'victim joins the party of node3');
  await b.partyPresences.nextMatching((e) => e.joins?.some((p) => p.user_id === victim.userId), undefined, 'b told of victim');

  // an authoritative match on node1 with a player on node3
  const created = await step(victim.client.rpc(victim.session, 'tictactoe_create', {}), 'authoritative match on node1');
  const authoritative = created.payload.match_id;
  await step(b.socket.joinMatch(authoritative), 'b joins the match of node1');

  // tickets of the survivors wait in node1's pool (three needed, two there)
  const mode = uniqueId('mode');
  const query = `+properties.mode:${mode}`;
  const ticketA = await step(a.socket.addMatchmaker(query, 3, 3, { mode }), 'a adds a ticket on node2');
  const ticketB = await step(b.socket.addMatchmaker(query, 3, 3, { mode }), 'b adds a ticket on node3');

  // a and b chat through the room while node1 dies
  const fromA = [];
  const fromB = [];
  let killed = false;
  const write = async (who, mine, tag) => {
    for (let i = 0; i < EACH; i++) {
      if (tag === 'a' && i === KILL_AFTER) {
        process.kill(PIDS[0], 'SIGKILL');
        killed = true;
      }
      const ack = await step(who.socket.writeChatMessage(channel.id, { tag, i }), `${tag} writes ${i}`);
      mine.push(ack.message_id);
      if (i % 20 === 0) await sleep(5);
    }
  };
  await Promise.all([write(a, fromA, 'a'), write(b, fromB, 'b')]);
  assert.ok(killed);

  // every message of each survivor reaches the other once, in order
  for (const [reader, sent, tag] of [[b, fromA, 'a'], [a, fromB, 'b']]) {
    const got = [];
    while (got.length < EACH) {
      const m = await reader.messages.next(undefined, `messages from ${tag}`);
      if (m.content.tag === tag) got.push(m.message_id);
    }
    assert.deepEqual(got, sent, `every message of ${tag}, once, in order`);
  }

  // within the node ttl: the victim leaves the room and the relayed match for both survivors, and
  // node1's authoritative match ends for b (its own leave), in whichever order they come
  for (const who of [a, b]) {
    await awaitPresence(who.presences, victim.userId, false, 'victim left the room');
  }
  await awaitPresence(a.matchPresences, victim.userId, false, 'victim left the match (a)');
  let victimLeft = false;
  let ended = false;
  while (!victimLeft || !ended) {
    const event = await b.matchPresences.next(undefined, 'match presence events for b');
    if (event.match_id === match.match_id && event.leaves?.some((p) => p.user_id === victim.userId)) victimLeft = true;
    if (event.match_id === authoritative && event.leaves?.some((p) => p.user_id === b.userId)) ended = true;
  }
  const closed = await a.partyClosed.next(undefined, 'the party of node1 closes for a');
  assert.equal(closed.party_id, doomed.party_id);
  await b.partyPresences.nextMatching((e) => e.leaves?.some((p) => p.user_id === victim.userId), undefined,
    'the party of node3 loses the victim');

  // a newcomer sees only the survivors; chat goes on
  const late = await player(1);
  const joined = await step(late.socket.joinChat(room, ROOM, false, false), 'a newcomer joins');
  assert.deepEqual(new Set(joined.presences.map((p) => p.user_id)), new Set([a.userId, b.userId]));

  // the pool moved to a survivor with the survivors' tickets: a third ticket completes the group
  await step(late.socket.addMatchmaker(query, 3, 3, { mode }), 'a third ticket on node2');
  const [mA, mB, mLate] = await Promise.all([a.matchmakerMatched.next(15_000, 'a matched'),
    b.matchmakerMatched.next(15_000, 'b matched'), late.matchmakerMatched.next(15_000, 'late matched')]);
  assert.equal(mA.ticket, ticketA.ticket, 'a\'s ticket from before the death');
  assert.equal(mB.ticket, ticketB.ticket, 'b\'s ticket from before the death');
  assert.equal(mA.token, mLate.token);
  assert.equal(mB.token, mLate.token);
});
