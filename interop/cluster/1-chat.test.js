// Chat across the nodes of a cluster: room, group and direct channels with members on every
// node. Join replies list every node's members, presence events reach everyone once, messages
// reach every member once, and history (in the shared PostgreSQL) reads the same on every node.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, closeAllSockets, uniqueId } from '../tests/helpers.js';
import { clusterReady, player, step, awaitPresence } from './cluster-helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const ROOM = 1;
const DIRECT_MESSAGE = 2;
const GROUP = 3;

before(() => clusterReady());
after(() => closeAllSockets());

test('a room with a member on each node: listings, presence events, messages and history', T, async () => {
  const [a, b, c] = await Promise.all([player(0), player(1), player(2)]);
  const room = uniqueId('room');
  const ca = await step(a.socket.joinChat(room, ROOM, true, false), 'a joins');
  await awaitPresence(a.presences, a.userId, true, 'a sees itself join');
  const cb = await step(b.socket.joinChat(room, ROOM, true, false), 'b joins');
  assert.equal(cb.id, ca.id, 'the same channel id on every node');
  assert.deepEqual(cb.presences.map((p) => p.user_id), [a.userId], 'node2 lists node1\'s member');
  await awaitPresence(a.presences, b.userId, true, 'a (node1) told of b (node2)');
  const cc = await step(c.socket.joinChat(room, ROOM, true, false), 'c joins');
  assert.deepEqual(new Set(cc.presences.map((p) => p.user_id)), new Set([a.userId, b.userId]),
    'node3 lists the members of node1 and node2');
  await awaitPresence(a.presences, c.userId, true, 'a told of c');
  await awaitPresence(b.presences, c.userId, true, 'b told of c');

  const ack = await step(b.socket.writeChatMessage(ca.id, { text: 'from node2' }), 'b writes');
  for (const who of [a, b, c]) {
    const message = await who.messages.nextMatching((m) => m.message_id === ack.message_id, undefined, 'the message');
    assert.equal(message.sender_id, b.userId);
    assert.deepEqual(message.content, { text: 'from node2' });
  }
  await a.messages.expectNone(300, 'a second copy');
  await c.messages.expectNone(0, 'a second copy');

  // history is PostgreSQL's: every node reads the message
  for (const who of [a, c]) {
    const page = await step(who.client.listChannelMessages(who.session, ca.id, 10, true), 'history');
    assert.deepEqual(page.messages.map((m) => m.message_id), [ack.message_id]);
  }

  await step(c.socket.leaveChat(ca.id), 'c leaves');
  await awaitPresence(a.presences, c.userId, false, 'a told c left');
  await awaitPresence(b.presences, c.userId, false, 'b told c left');
});

test('a group channel whose members are on two nodes', T, async () => {
  const [owner, member] = await Promise.all([player(0), player(1)]);
  const group = await step(owner.client.createGroup(owner.session, { name: uniqueId('cluster-group'), open: true }), 'create group');
  assert.ok(await step(member.client.joinGroup(member.session, group.id), 'join group on node2'));
  const channel = await step(owner.socket.joinChat(group.id, GROUP, true, false), 'owner joins the channel');
  await step(member.socket.joinChat(group.id, GROUP, true, false), 'member joins the channel');
  await awaitPresence(owner.presences, member.userId, true, 'owner told of member');
  const ack = await step(member.socket.writeChatMessage(channel.id, { hello: 'group' }), 'member writes');
  const got = await owner.messages.nextMatching((m) => m.message_id === ack.message_id, undefined, 'group message on node1');
  assert.deepEqual(got.content, { hello: 'group' });
});

test('a direct message between users on different nodes', T, async () => {
  const [a, b] = await Promise.all([player(1), player(2)]);
  const channel = await step(a.socket.joinChat(b.userId, DIRECT_MESSAGE, true, false), 'a opens the DM');
  await step(b.socket.joinChat(a.userId, DIRECT_MESSAGE, true, false), 'b opens the DM');
  await awaitPresence(a.presences, b.userId, true, 'a told of b');
  const ack = await step(a.socket.writeChatMessage(channel.id, { dm: 1 }), 'a writes');
  const got = await b.messages.nextMatching((m) => m.message_id === ack.message_id, undefined, 'the DM on node3');
  assert.equal(got.sender_id, a.userId);
});
