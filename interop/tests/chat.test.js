// Chat interop tests: rooms, presence events, messages (write, update, remove), history paging
// and direct messages, through the official @heroiclabs/nakama-js client with JSON and protobuf
// sockets (see helpers.js for how the client behaves under Node).
//
// What nakama-js does with chat (dist/nakama-js.esm.mjs): joinChat(target, type, persistence,
// hidden) sends channel_join and resolves with `response.channel`; writeChatMessage and
// updateChatMessage JSON.stringify the content object before sending and resolve with
// `response.channel_message_ack`; removeChatMessage resolves with the ack too; leaveChat resolves
// with the whole (empty) reply envelope. Incoming channel_message envelopes go to
// onchannelmessage with `content` already JSON.parse'd (so content that is not strict JSON
// throws inside the socket's message handler); channel_presence_event goes to onchannelpresence;
// notifications to onnotification, one call per notification, content parsed.
// listChannelMessages(session, channelId, limit, forward, cursor) GETs
// /v2/channel/{encodeURIComponent(id)}?limit=&forward=&cursor= (undefined params dropped) and
// maps each message, JSON.parse'ing its content and turning `code` into a Number (0 when
// absent).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, connect, closeAllSockets, eventQueue, serverReady, rawSocket,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

// Channel types of joinChat.
const ROOM = 1;
const DIRECT_MESSAGE = 2;
const GROUP = 3;
// rtapi Error codes.
const BAD_INPUT = 3;
// Nakama's message and notification times are whole seconds (time.Now().Unix(): core_channel.go),
// written by protojson without a fraction.
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

before(() => serverReady());
after(() => closeAllSockets());

/** A connected user with queues for every chat event. */
async function chatter(format = 'json') {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('chat-device'), true), 'authenticateDevice');
  const socket = await connect(client, session, { format });
  return {
    client,
    session,
    socket,
    messages: eventQueue(socket, 'onchannelmessage'),
    presences: eventQueue(socket, 'onchannelpresence'),
    notifications: eventQueue(socket, 'onnotification'),
  };
}

function roomName() {
  return uniqueId('room');
}

/** Awaits `promise`, which must reject with an rtapi Error of `code`. Returns the error. */
async function expectSocketError(promise, code, label) {
  let result;
  try {
    result = await step(promise, label);
  } catch (err) {
    if (err instanceof Error) throw new Error(`${label}: expected error code ${code}, got ${err.message}`, { cause: err });
    assert.equal(err.code, code, `${label}: ${JSON.stringify(err)}`);
    assert.ok(typeof err.message === 'string' && err.message.length > 0, `${label}: error has a message`);
    return err;
  }
  throw new Error(`${label}: expected error code ${code}, but it succeeded: ${JSON.stringify(result)}`);
}

/** The next presence event of `channelId` joining (or leaving) `userId`. */
function presenceOf(queue, channelId, userId, join = true) {
  const list = join ? 'joins' : 'leaves';
  return queue.nextMatching((e) => e.channel_id === channelId && (e[list] || []).some((p) => p.user_id === userId),
    STEP_TIMEOUT_MS, `${join ? 'join' : 'leave'} of ${userId}`);
}

/** Joins a room and consumes the joiner's own join event. */
async function joinRoom(user, name, persistence = true, hidden = false) {
  const channel = await step(user.socket.joinChat(name, ROOM, persistence, hidden), `joinChat ${name}`);
  if (!hidden) await presenceOf(user.presences, channel.id, user.session.user_id);
  return channel;
}

describe('rooms', S, () => {
  test('joinChat answers the channel with self and presences; joins are announced to all', T, async () => {
    const alice = await chatter();
    const bob = await chatter();
    const name = roomName();

    const aliceChannel = await step(alice.socket.joinChat(name, ROOM, true, false), 'alice joinChat');
    assert.equal(aliceChannel.id, `2...${name}`);
    assert.equal(aliceChannel.room_name, name);
    assert.equal(aliceChannel.self.user_id, alice.session.user_id);
    assert.equal(aliceChannel.self.username, alice.session.username);
    assert.ok(aliceChannel.self.session_id);
    // Nakama: a new join lists the other members only, never the joiner (an empty list is omitted).
    assert.deepEqual((aliceChannel.presences ?? []).map((p) => p.user_id), []);
    const own = await step(alice.presences.next(), 'alice own join event');
    assert.equal(own.channel_id, aliceChannel.id);
    assert.deepEqual(own.joins.map((p) => p.user_id), [alice.session.user_id]);

    const bobChannel = await step(bob.socket.joinChat(name, ROOM, true, false), 'bob joinChat');
    assert.equal(bobChannel.id, aliceChannel.id);
    assert.deepEqual(bobChannel.presences.map((p) => p.user_id), [alice.session.user_id]);
    assert.equal(bobChannel.self.user_id, bob.session.user_id);
    await presenceOf(bob.presences, bobChannel.id, bob.session.user_id);
    const seen = await presenceOf(alice.presences, aliceChannel.id, bob.session.user_id);
    assert.equal(seen.room_name, name);
    assert.equal(seen.joins.length, 1);

    // Joining again (already a member): Nakama lists every member, the caller included, and
    // announces nothing (pipeline_channel.go: only a new join skips the joiner; the tracker sends
    // no event for a presence it already has; bob's expectNone below would see one).
    const again = await step(alice.socket.joinChat(name, ROOM, true, false), 'alice joinChat again');
    assert.equal(again.id, aliceChannel.id);
    assert.equal(again.self.session_id, aliceChannel.self.session_id);
    assert.deepEqual(again.presences.map((p) => p.user_id).sort(), [alice.session.user_id, bob.session.user_id].sort());

    // bob leaves: alice is told, bob is not
    await step(bob.socket.leaveChat(bobChannel.id), 'leaveChat');
    const left = await presenceOf(alice.presences, aliceChannel.id, bob.session.user_id, false);
    assert.equal(left.leaves.length, 1);
    await bob.presences.expectNone(300, 'bob own leave');
    await alice.presences.expectNone(100);
  });

  test('a hidden joiner is not announced and not listed', T, async () => {
    const alice = await chatter();
    const ghost = await chatter();
    const name = roomName();
    const channel = await joinRoom(alice, name);
    const ghostChannel = await step(ghost.socket.joinChat(name, ROOM, true, true), 'hidden joinChat');
    assert.equal(ghostChannel.id, channel.id);
    assert.deepEqual(ghostChannel.presences.map((p) => p.user_id), [alice.session.user_id]);
    await alice.presences.expectNone(300, 'hidden join event');
    await ghost.presences.expectNone(100, 'hidden own join event');
  });

  test('writeChatMessage is acked and everyone in the room receives it', T, async () => {
    const alice = await chatter();
    const bob = await chatter();
    const name = roomName();
    const channel = await joinRoom(alice, name);
    await joinRoom(bob, name);
    await presenceOf(alice.presences, channel.id, bob.session.user_id);

    const ack = await step(alice.socket.writeChatMessage(channel.id, { text: 'hello', n: 1 }), 'writeChatMessage');
    assert.equal(ack.channel_id, channel.id);
    assert.match(ack.message_id, /^[0-9a-f-]{36}$/);
    assert.equal(ack.code, 0);
    assert.equal(ack.username, alice.session.username);
    assert.equal(ack.persistent, true);
    assert.equal(ack.room_name, name);
    assert.ok(!Number.isNaN(Date.parse(ack.create_time)), `create_time ${ack.create_time}`);
    assert.ok(!Number.isNaN(Date.parse(ack.update_time)), `update_time ${ack.update_time}`);
    assert.match(ack.create_time, WHOLE_SECONDS);
    assert.match(ack.update_time, WHOLE_SECONDS);

    for (const member of [alice, bob]) {
      const message = await step(member.messages.next(), 'onchannelmessage');
      assert.equal(message.message_id, ack.message_id);
      assert.equal(message.channel_id, channel.id);
      assert.equal(message.code, 0);
      assert.equal(message.sender_id, alice.session.user_id);
      assert.equal(message.username, alice.session.username);
      assert.deepEqual(message.content, { text: 'hello', n: 1 });
      assert.equal(message.persistent, true);
      assert.equal(message.create_time, ack.create_time);
    }
  });

  test('updateChatMessage and removeChatMessage reach the others with code 1 and code 2', T, async () => {
    const alice = await chatter();
    const bob = await chatter();
    const name = roomName();
    const channel = await joinRoom(alice, name);
    await joinRoom(bob, name);
    await presenceOf(alice.presences, channel.id, bob.session.user_id);

    const ack = await step(alice.socket.writeChatMessage(channel.id, { text: 'helo' }), 'writeChatMessage');
    await step(bob.messages.next(), 'bob gets the message');
    await step(alice.messages.next(), 'alice gets her message');

    const updateAck = await step(alice.socket.updateChatMessage(channel.id, ack.message_id, { text: 'hello' }),
      'updateChatMessage');
    assert.equal(updateAck.message_id, ack.message_id);
    assert.equal(updateAck.code, 1);
    const updated = await step(bob.messages.next(), 'bob gets the update');
    assert.equal(updated.message_id, ack.message_id);
    assert.equal(updated.code, 1);
    assert.deepEqual(updated.content, { text: 'hello' });
    assert.equal(updated.create_time, ack.create_time);
    await step(alice.messages.next(), 'alice gets the update');

    // only the sender may change it
    await expectSocketError(bob.socket.updateChatMessage(channel.id, ack.message_id, { text: 'mine now' }),
      BAD_INPUT, 'update by another user');
    await expectSocketError(bob.socket.removeChatMessage(channel.id, ack.message_id), BAD_INPUT, 'remove by another user');

    const removeAck = await step(alice.socket.removeChatMessage(channel.id, ack.message_id), 'removeChatMessage');
    assert.equal(removeAck.message_id, ack.message_id);
    assert.equal(removeAck.code, 2);
    const removed = await step(bob.messages.next(), 'bob gets the removal');
    assert.equal(removed.message_id, ack.message_id);
    assert.equal(removed.code, 2);
    assert.deepEqual(removed.content, {});

    const history = await step(bob.client.listChannelMessages(bob.session, channel.id, 10, true), 'listChannelMessages');
    assert.deepEqual(history.messages, [], 'the removed message is gone from history');
  });

  test('bad requests are rejected with BAD_INPUT; leaving a channel one is not in is an empty ack', T, async () => {
    const alice = await chatter();
    const name = roomName();
    const channel = await joinRoom(alice, name);
    await expectSocketError(alice.socket.writeChatMessage('2...not-joined', { x: 1 }), BAD_INPUT, 'not joined');
    await expectSocketError(alice.socket.writeChatMessage(channel.id, 'a string is not an object'), BAD_INPUT,
      'string content');
    await expectSocketError(alice.socket.writeChatMessage(channel.id, [1, 2]), BAD_INPUT, 'array content');
    await expectSocketError(alice.socket.writeChatMessage('not a channel', { x: 1 }), BAD_INPUT, 'malformed id');
    await expectSocketError(alice.socket.joinChat(uniqueId('group'), GROUP, true, false), BAD_INPUT, 'group channel');
    await expectSocketError(alice.socket.leaveChat('not a channel'), BAD_INPUT, 'leave malformed id');
    // Nakama untracks whatever is there and answers (pipeline_channel.go channelLeave): an
    // envelope with only the cid, never an error.
    const left = await step(alice.socket.leaveChat('2...not-joined'), 'leave not joined');
    assert.deepEqual(Object.keys(left).filter((k) => k !== 'cid'), [], `an empty ack: ${JSON.stringify(left)}`);
    // still in the room it did join
    const ack = await step(alice.socket.writeChatMessage(channel.id, { still: 'here' }), 'writeChatMessage after');
    assert.equal(ack.channel_id, channel.id);
  });

  test('a protobuf socket chats with a JSON socket', T, async () => {
    const alice = await chatter('protobuf');
    const bob = await chatter('json');
    const name = roomName();
    const channel = await step(alice.socket.joinChat(name, ROOM, true, false), 'protobuf joinChat');
    assert.equal(channel.id, `2...${name}`);
    await step(alice.presences.next(), 'protobuf own join');
    await joinRoom(bob, name);
    await presenceOf(alice.presences, channel.id, bob.session.user_id);

    const ack = await step(alice.socket.writeChatMessage(channel.id, { via: 'protobuf' }), 'protobuf writeChatMessage');
    assert.ok(ack.message_id);
    const atBob = await step(bob.messages.next(), 'json side gets it');
    assert.equal(atBob.message_id, ack.message_id);
    assert.deepEqual(atBob.content, { via: 'protobuf' });

    const bobAck = await step(bob.socket.writeChatMessage(channel.id, { via: 'json' }), 'json writeChatMessage');
    const atAlice = await alice.messages.nextMatching((m) => m.message_id === bobAck.message_id, STEP_TIMEOUT_MS,
      'protobuf side gets it');
    assert.deepEqual(atAlice.content, { via: 'json' });
    assert.equal(atAlice.sender_id, bob.session.user_id);
  });
});

describe('history', S, () => {
  /** Every page of the channel's history, `limit` at a time, following next_cursor to the end. */
  async function allPages(reader, channelId, limit, forward) {
    const pages = [];
    let cursor;
    do {
      const page = await step(reader.client.listChannelMessages(reader.session, channelId, limit, forward, cursor),
        `${forward ? 'forward' : 'backward'} page ${pages.length}`);
      pages.push(page.messages);
      cursor = page.next_cursor;
      if (page.messages.length < limit) assert.ok(!cursor, 'a short page is the last one');
      assert.ok(pages.length <= 10, 'paging ends');
    } while (cursor);
    return pages;
  }

  test('listChannelMessages pages forward and backward to the end', T, async () => {
    const alice = await chatter();
    const name = roomName();
    const channel = await joinRoom(alice, name);
    const ids = [];
    for (let i = 0; i < 12; i++) {
      const ack = await step(alice.socket.writeChatMessage(channel.id, { i }), `writeChatMessage ${i}`);
      ids.push(ack.message_id);
    }
    const reader = await chatter();

    // Nakama orders history by (create_time, message id) with whole-second times, so messages sent
    // within one second come back in message-id order, not send order (see the next test): this
    // test asserts what holds on both servers.
    const forwardPages = await step(allPages(reader, channel.id, 5, true), 'forward pages');
    assert.deepEqual(forwardPages.map((p) => p.length), [5, 5, 2]);
    const forwardMessages = forwardPages.flat();
    for (const m of forwardMessages) {
      assert.equal(m.channel_id, channel.id);
      assert.equal(m.code, 0);
      assert.equal(m.sender_id, alice.session.user_id);
      assert.equal(m.content.i, ids.indexOf(m.message_id), 'content belongs to its message');
      assert.match(m.create_time, WHOLE_SECONDS);
    }
    const forward = forwardMessages.map((m) => m.message_id);
    assert.deepEqual([...forward].sort(), [...ids].sort(), 'every message exactly once');
    for (let i = 1; i < forwardMessages.length; i++) {
      assert.ok(Date.parse(forwardMessages[i - 1].create_time) <= Date.parse(forwardMessages[i].create_time),
        'oldest first');
    }

    const backwardPages = await step(allPages(reader, channel.id, 5, false), 'backward pages');
    assert.deepEqual(backwardPages.map((p) => p.length), [5, 5, 2]);
    assert.deepEqual(backwardPages.flat().map((m) => m.message_id), [...forward].reverse(),
      'backward is forward reversed');

    // exactly one full page: no next cursor either, same order as the pages
    const all = await step(reader.client.listChannelMessages(reader.session, channel.id, 12, true), 'one page');
    assert.equal(all.messages.length, 12);
    assert.ok(!all.next_cursor, 'the last page has no next_cursor');
    assert.deepEqual(all.messages.map((m) => m.message_id), forward);
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "History order within one second"
  test('history keeps send order for messages sent within one second', T, async () => {
    const alice = await chatter();
    const channel = await joinRoom(alice, roomName());
    const ids = [];
    for (let i = 0; i < 8; i++) {
      ids.push((await step(alice.socket.writeChatMessage(channel.id, { i }), `writeChatMessage ${i}`)).message_id);
    }
    const forward = await step(alice.client.listChannelMessages(alice.session, channel.id, 8, true), 'forward');
    assert.deepEqual(forward.messages.map((m) => m.message_id), ids);
    const backward = await step(alice.client.listChannelMessages(alice.session, channel.id, 8, false), 'backward');
    assert.deepEqual(backward.messages.map((m) => m.message_id), [...ids].reverse());
  });

  test('out-of-range limits and forged cursors are 400s', T, async () => {
    const alice = await chatter();
    const channel = await joinRoom(alice, roomName());
    await step(alice.socket.writeChatMessage(channel.id, { x: 1 }), 'writeChatMessage');
    for (const [limit, cursor] of [[0, undefined], [101, undefined], [10, 'forged-cursor']]) {
      let failed;
      try {
        await step(alice.client.listChannelMessages(alice.session, channel.id, limit, true, cursor), 'listChannelMessages');
      } catch (err) {
        failed = err;
      }
      assert.ok(failed && failed.status === 400, `limit ${limit} cursor ${cursor}: ${failed && failed.status}`);
      assert.equal((await failed.json()).code, 3);
    }
  });

  test('history stays readable after a raw client sent content that is not strict JSON', T, async () => {
    // nakama-js always sends JSON.stringify'd content, but any client can put text in the
    // frame; if the server stored "{a:1}", every nakama-js reader of this history would get a
    // SyntaxError from listChannelMessages (and from onchannelmessage, live).
    // (Observed: a nakama-js socket that is in the room gets an uncaught SyntaxError from its
    // message handler when such a message is broadcast, so the reader here stays outside.)
    const alice = await chatter();
    const name = roomName();
    const channel = { id: `2...${name}`, room_name: name };
    const raw = await rawSocket({ token: alice.session.token, format: 'json' });
    let reply;
    try {
      raw.ws.send(JSON.stringify({ cid: 'j', channel_join: { target: channel.room_name, type: 1 } }));
      raw.ws.send(JSON.stringify({ cid: 's', channel_message_send: { channel_id: channel.id, content: '{a:1}' } }));
      for (;;) {
        const frame = JSON.parse((await raw.next()).data.toString());
        if (frame.cid === 's') { reply = frame; break; }
      }
    } finally {
      raw.close();
    }
    let page;
    try {
      page = await step(alice.client.listChannelMessages(alice.session, channel.id, 10, true), 'listChannelMessages');
    } catch (err) {
      assert.fail(`nakama-js cannot read this history any more (${err}); the server answered the raw send with `
        + JSON.stringify(reply));
    }
    assert.ok(reply.error && reply.error.code === BAD_INPUT, `lenient JSON must be refused: ${JSON.stringify(reply)}`);
    assert.equal(page.messages.length, 0);
  });
});

describe('direct messages', S, () => {
  test('both users get the same channel id, the other is notified, and they chat', T, async () => {
    const alice = await chatter();
    const bob = await chatter();
    const [lower, higher] = [alice.session.user_id, bob.session.user_id].sort();
    const expected = `4.${lower}.${higher}.`;

    const aliceChannel = await step(alice.socket.joinChat(bob.session.user_id, DIRECT_MESSAGE, true, false),
      'alice joinChat DM');
    assert.equal(aliceChannel.id, expected);
    assert.equal(aliceChannel.user_id_one, lower);
    assert.equal(aliceChannel.user_id_two, higher);
    await presenceOf(alice.presences, expected, alice.session.user_id);

    const notification = await step(bob.notifications.next(), 'bob is asked to chat');
    assert.equal(notification.code, -1);
    assert.equal(notification.subject, `${alice.session.username} wants to chat`);
    assert.equal(notification.sender_id, alice.session.user_id);
    assert.deepEqual(notification.content, { username: alice.session.username });

    const bobChannel = await step(bob.socket.joinChat(alice.session.user_id, DIRECT_MESSAGE, true, false),
      'bob joinChat DM');
    assert.equal(bobChannel.id, expected);
    await presenceOf(alice.presences, expected, bob.session.user_id);

    const ack = await step(bob.socket.writeChatMessage(expected, { hi: 'alice' }), 'writeChatMessage DM');
    assert.equal(ack.user_id_one, lower);
    assert.equal(ack.user_id_two, higher);
    const got = await alice.messages.nextMatching((m) => m.message_id === ack.message_id, STEP_TIMEOUT_MS, 'DM message');
    assert.deepEqual(got.content, { hi: 'alice' });
    assert.equal(got.channel_id, expected);

    const history = await step(alice.client.listChannelMessages(alice.session, expected, 10, true), 'DM history');
    assert.deepEqual(history.messages.map((m) => m.message_id), [ack.message_id]);
    const third = await chatter();
    let refused;
    try {
      await step(third.client.listChannelMessages(third.session, expected, 10, true), 'third user DM history');
    } catch (err) {
      refused = err;
    }
    // Nakama: a DM channel the caller is not one of is "Channel not found." (400, code 3:
    // core_channel.go ErrChannelIDInvalid, api_channel.go), not a permission error.
    assert.ok(refused && refused.status === 400, `a third user is refused with 400: ${refused && refused.status}`);
    assert.equal((await refused.json()).code, 3);
  });

  test('a DM to yourself opens the channel 4.<you>.<you>.; a DM to nobody or to a malformed id is BAD_INPUT', T, async () => {
    const alice = await chatter();
    const me = alice.session.user_id;
    // Nakama checks that the target parses and exists, never that it differs from the caller
    // (core_channel.go); being in the channel itself, alice is not notified (pipeline_channel.go).
    const self = await step(alice.socket.joinChat(me, DIRECT_MESSAGE, true, false), 'DM to self');
    assert.equal(self.id, `4.${me}.${me}.`);
    assert.equal(self.user_id_one, me);
    assert.equal(self.user_id_two, me);
    assert.equal(self.self.user_id, me);
    assert.deepEqual(self.presences ?? [], []);
    await presenceOf(alice.presences, self.id, me);
    const ack = await step(alice.socket.writeChatMessage(self.id, { note: 'to self' }), 'writeChatMessage to self');
    assert.equal(ack.channel_id, self.id);
    const history = await step(alice.client.listChannelMessages(alice.session, self.id, 10, true), 'DM to self history');
    assert.deepEqual(history.messages.map((m) => m.message_id), [ack.message_id]);
    await alice.notifications.expectNone(200, 'notification of a DM to oneself');

    await expectSocketError(alice.socket.joinChat('00000000-0000-4000-8000-000000000000', DIRECT_MESSAGE, true, false),
      BAD_INPUT, 'DM to nobody');
    await expectSocketError(alice.socket.joinChat('bob', DIRECT_MESSAGE, true, false), BAD_INPUT, 'malformed target');
  });

});
