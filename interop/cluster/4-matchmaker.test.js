// The matchmaker across the nodes of a cluster: one pool (on the node holding the lease in Redis)
// takes every node's tickets, so a ticket from node1 matches a ticket from node3, and the matched
// players meet in one relayed match from their own nodes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, closeAllSockets, uniqueId } from '../tests/helpers.js';
import { clusterReady, player, step, awaitPresence } from './cluster-helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };

before(() => clusterReady());
after(() => closeAllSockets());

test('a ticket from node1 matches a ticket from node3; both join the match from their nodes', T, async () => {
  const [a, b] = await Promise.all([player(0), player(2)]);
  const mode = uniqueId('mode');
  const query = `+properties.mode:${mode}`;
  const ticketA = await step(a.socket.addMatchmaker(query, 2, 2, { mode }), 'a adds on node1');
  const ticketB = await step(b.socket.addMatchmaker(query, 2, 2, { mode }), 'b adds on node3');
  assert.ok(ticketA.ticket && ticketB.ticket && ticketA.ticket !== ticketB.ticket);
  const [matchedA, matchedB] = await Promise.all([
    a.matchmakerMatched.next(undefined, 'a matched'),
    b.matchmakerMatched.next(undefined, 'b matched'),
  ]);
  assert.equal(matchedA.ticket, ticketA.ticket);
  assert.equal(matchedB.ticket, ticketB.ticket);
  assert.equal(matchedA.token, matchedB.token, 'one match for both');
  assert.deepEqual(new Set(matchedA.users.map((u) => u.presence.user_id)), new Set([a.userId, b.userId]));

  const joinedA = await step(a.socket.joinMatch(undefined, matchedA.token), 'a joins by token on node1');
  const joinedB = await step(b.socket.joinMatch(undefined, matchedB.token), 'b joins by token on node3');
  assert.equal(joinedA.match_id, joinedB.match_id);
  await awaitPresence(a.matchPresences, b.userId, true, 'a told of b');
});

test('a ticket removed from another node than the pool\'s is gone', T, async () => {
  const [a, b] = await Promise.all([player(1), player(2)]);
  const mode = uniqueId('mode');
  const query = `+properties.mode:${mode}`;
  const ticket = await step(a.socket.addMatchmaker(query, 2, 2, { mode }), 'a adds on node2');
  await step(a.socket.removeMatchmaker(ticket.ticket), 'a removes on node2');
  await step(b.socket.addMatchmaker(query, 2, 2, { mode }), 'b adds on node3');
  await a.matchmakerMatched.expectNone(2500, 'a match for a removed ticket');
  await b.matchmakerMatched.expectNone(0, 'a match with a removed ticket');
});

test('a party on node2 with a member on node3 is matched with a player on node1', T, async () => {
  const [solo, leader, member] = await Promise.all([player(0), player(1), player(2)]);
  const party = await step(leader.socket.createParty(true, 4), 'party on node2');
  await step(member.socket.joinParty(party.party_id), 'member joins from node3');
  await member.parties.next(undefined, 'member in the party');
  const mode = uniqueId('mode');
  const query = `+properties.mode:${mode}`;
  const partyTicket = await step(leader.socket.addMatchmakerParty(party.party_id, query, 3, 3, { mode }), 'party ticket');
  assert.ok(partyTicket.ticket);
  await step(solo.socket.addMatchmaker(query, 3, 3, { mode }), 'solo ticket on node1');
  const matched = await Promise.all([solo, leader, member].map((p) => p.matchmakerMatched.next(undefined, 'matched')));
  assert.equal(new Set(matched.map((m) => m.token)).size, 1, 'one match for the three');
  assert.equal(matched[1].ticket, partyTicket.ticket);
  assert.equal(matched[2].ticket, partyTicket.ticket, 'the member is matched with its party\'s ticket');
  assert.deepEqual(new Set(matched[0].users.map((u) => u.presence.user_id)),
    new Set([solo.userId, leader.userId, member.userId]));
});
