// Group chat interop tests through the official @heroiclabs/nakama-js client: the group channel
// (joinChat(groupId, 3)), its messages, the membership messages Nakama writes into it, what a
// removed member's socket can still do, and group deletion. The assertions are the reference Nakama
// 3.18.0's answers, recorded in interop/differential/reference-facts/social.md, section "group chat"
// (issue 14). How nakama-js handles chat is written up at the top of chat.test.js; in short:
// joinChat resolves with `response.channel`, writeChatMessage JSON.stringifies the content and
// resolves with the ack, socket errors reject with {code, message}, onchannelmessage gets the
// message with `content` JSON.parse'd, listChannelMessages maps `code` to a Number (0 when absent)
// and parses `content`.
//
// Nakama stores a message's create_time in whole seconds and orders history by (create_time, id)
// with a random message id, so messages of one second come back in random order
// (docs/COMPATIBILITY.md, finding 23): the history checks below compare sets, not order, unless
// the messages are in different seconds.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, serverReady, expectHttpError, connect, eventQueue, request, closeAllSockets,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

const GROUP = 3;
const BAD_INPUT = 3; // rtapi Error code
const INVALID_ARGUMENT = 3; // REST (gRPC) code
const UNKNOWN_ID = '11111111-2222-3333-4444-555555555555';
const NOT_A_MEMBER = 'Group not found: Invalid channel target';
const GROUP_NOT_FOUND = 'Group not found.';
// The reference says "Must join channel before sending messages"; Gantry names the channel
// ("Must join channel 3.<id>.. before sending to it."). Gantry differs from Nakama on purpose:
// docs/COMPATIBILITY.md, "Error messages" (finding 24): same code, the words both share.
const MUST_JOIN = /^Must join channel\b.*\bbefore sending\b/;

// Membership message codes (channel_message.code) and what they mean.
const JOINED = 3;
const ADDED = 4;
const LEFT = 5;
const KICKED = 6;
const PROMOTED = 7;
const BANNED = 8;
const DEMOTED = 9;

before(() => serverReady());
after(() => closeAllSockets());

/** A fresh user with a socket (status=true; JSON or protobuf) and a queue per chat event. */
async function chatter(format = 'json') {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('gchat-device'), true), 'authenticateDevice');
  const socket = await connect(client, session, { appearOnline: true, format });
  return {
    client,
    session,
    socket,
    id: session.user_id,
    username: session.username,
    messages: eventQueue(socket, 'onchannelmessage'),
    presences: eventQueue(socket, 'onchannelpresence'),
    notes: eventQueue(socket, 'onnotification'),
  };
}

const channelOf = (groupId) => `3.${groupId}..`;

async function newGroup(owner, fields = {}) {
  return step(owner.client.createGroup(owner.session, { name: `chat-${randomBytes(4).toString('hex')}`, ...fields }), 'createGroup');
}

/** Awaits `promise`, which must reject with an rtapi Error of `code`; returns it. */
async function socketError(promise, code, label) {
  let result;
  try {
    result = await step(promise, label);
  } catch (err) {
    if (err instanceof Error) throw new Error(`${label}: expected error code ${code}, got ${err.message}`, { cause: err });
    assert.equal(err.code, code, `${label}: ${JSON.stringify(err)}`);
    return err;
  }
  throw new Error(`${label}: expected error code ${code}, but it succeeded: ${JSON.stringify(result)}`);
}

/** The next presence event of `channelId` joining (or leaving) `userId`. */
function presenceOf(user, channelId, userId, join = true) {
  const list = join ? 'joins' : 'leaves';
  return user.presences.nextMatching((e) => e.channel_id === channelId && (e[list] || []).some((p) => p.user_id === userId),
    STEP_TIMEOUT_MS, `${join ? 'join' : 'leave'} of ${userId}`);
}

/** Joins the group's channel and consumes the joiner's own join event (it may come before or after the reply). */
async function joinGroupChat(user, groupId) {
  const channel = await step(user.socket.joinChat(groupId, GROUP, true, false), 'joinChat group');
  await presenceOf(user, channel.id, user.id);
  return channel;
}

/** A ping whose pong proves everything sent earlier to this socket has arrived. */
const ping = (user) => request(user.socket, { ping: {} });

/** Asserts a membership message: code, the affected user as sender, content {}. */
function assertMembership(msg, groupId, code, affected, label) {
  assert.equal(msg.channel_id, channelOf(groupId), `${label}: channel_id`);
  assert.equal(msg.code, code, `${label}: code`);
  assert.equal(msg.sender_id, affected.id, `${label}: the affected user is the sender`);
  assert.equal(msg.username, affected.username, `${label}: username`);
  assert.deepEqual(msg.content, {}, `${label}: content`);
  assert.equal(msg.group_id, groupId, `${label}: group_id`);
  assert.equal(msg.persistent, true, `${label}: persistent`);
  assert.ok(msg.message_id, `${label}: message_id`);
}

describe('group chat', S, () => {
  test('members join the group channel; requests, outsiders, bans, unknown and malformed ids are refused', T, async () => {
    const [o, m, ad, j, x, bn] = [await chatter(), await chatter(), await chatter(), await chatter(), await chatter(), await chatter()];
    const g = await newGroup(o);
    await step(o.client.addGroupUsers(o.session, g.id, [m.id, ad.id, bn.id]), 'add m, ad, bn');
    await step(o.client.promoteGroupUsers(o.session, g.id, [ad.id]), 'promote ad');
    await step(o.client.banGroupUsers(o.session, g.id, [bn.id]), 'ban bn');
    await step(j.client.joinGroup(j.session, g.id), 'j requests');

    const oc = await step(o.socket.joinChat(g.id, GROUP, true, false), 'superadmin joins');
    assert.equal(oc.id, channelOf(g.id));
    assert.equal(oc.group_id, g.id);
    assert.equal(oc.self.user_id, o.id);
    assert.equal(oc.self.username, o.username);
    assert.equal(oc.self.persistence, true);
    assert.deepEqual((oc.presences ?? []).map((p) => p.user_id), [], 'no one else is in yet');
    const own = await presenceOf(o, oc.id, o.id);
    assert.equal(own.group_id, g.id);
    assert.deepEqual(own.joins.map((p) => p.user_id), [o.id]);

    const mc = await step(m.socket.joinChat(g.id, GROUP, true, false), 'member joins');
    assert.equal(mc.id, oc.id);
    assert.deepEqual(mc.presences.map((p) => p.user_id), [o.id]);
    await presenceOf(m, mc.id, m.id);
    const seen = await presenceOf(o, oc.id, m.id);
    assert.equal(seen.joins.length, 1);
    assert.equal(seen.group_id, g.id);
    const ac = await joinGroupChat(ad, g.id);
    assert.deepEqual(ac.presences.map((p) => p.user_id).sort(), [o.id, m.id].sort(), 'an admin joins');
    await presenceOf(o, oc.id, ad.id);
    await presenceOf(m, oc.id, ad.id);

    for (const [who, target, label] of [[j, g.id, 'join request'], [x, g.id, 'outsider'], [bn, g.id, 'banned'],
      [x, UNKNOWN_ID, 'unknown group']]) {
      const err = await socketError(who.socket.joinChat(target, GROUP, true, false), BAD_INPUT, label);
      assert.equal(err.message, NOT_A_MEMBER, `${label}: message`);
    }
    const malformed = await socketError(x.socket.joinChat('nope', GROUP, true, false), BAD_INPUT, 'malformed');
    assert.equal(malformed.message, 'Invalid group ID in group channel join: Invalid channel target');

    // joining again: the channel again, everyone listed (self included), nobody told
    const again = await step(m.socket.joinChat(g.id, GROUP, true, false), 'member joins again');
    assert.deepEqual(again.presences.map((p) => p.user_id).sort(), [o.id, m.id, ad.id].sort());
    for (const p of [o, m, ad]) await ping(p);
    assert.deepEqual(o.presences.items, [], 'the refused joins and the re-join told o nothing');
    assert.deepEqual(o.messages.items, []);
  });

  test('messages: acks, delivery to everyone in the channel, refusals, history for members only', T, async () => {
    const [o, m, j, x] = [await chatter(), await chatter(), await chatter(), await chatter()];
    const g = await newGroup(o);
    await step(o.client.addGroupUsers(o.session, g.id, [m.id]), 'add m');
    await step(j.client.joinGroup(j.session, g.id), 'j requests');
    const channel = await joinGroupChat(o, g.id);
    await joinGroupChat(m, g.id);
    await presenceOf(o, channel.id, m.id);

    const ack = await step(m.socket.writeChatMessage(channel.id, { t: 'hello' }), 'writeChatMessage');
    assert.equal(ack.channel_id, channel.id);
    assert.equal(ack.group_id, g.id);
    assert.equal(ack.code, 0);
    assert.equal(ack.username, m.username);
    assert.equal(ack.persistent, true);
    assert.equal(ack.sender_id, undefined, 'the ack has no sender_id');
    assert.ok(ack.message_id);
    for (const p of [o, m]) {
      const got = await step(p.messages.next(), `${p.username} gets the message`);
      assert.equal(got.message_id, ack.message_id);
      assert.equal(got.sender_id, m.id);
      assert.equal(got.group_id, g.id);
      assert.deepEqual(got.content, { t: 'hello' });
    }

    // not in the channel (a join request, an outsider): refused
    for (const [who, label] of [[j, 'join request'], [x, 'outsider']]) {
      const err = await socketError(who.socket.writeChatMessage(channel.id, { t: label }), BAD_INPUT, label);
      assert.match(err.message, MUST_JOIN);
    }
    const notObject = await socketError(m.socket.writeChatMessage(channel.id, 'text'), BAD_INPUT, 'content not an object');
    assert.equal(notObject.message, 'Message content must be a valid JSON object');
    const badId = await socketError(m.socket.writeChatMessage('3.nope..', { t: 1 }), BAD_INPUT, 'malformed channel id');
    // Gantry's words go on to name the id and why (docs/COMPATIBILITY.md, finding 24); both begin alike
    assert.match(badId.message, /^Invalid channel identifier\b/);

    // history: members only; the membership message of m's add is in it
    // (both may be of the same second: compared as a set)
    const history = await step(o.client.listChannelMessages(o.session, channel.id, 10, true), 'history');
    assert.deepEqual(history.messages.map((msg) => msg.code).sort(), [0, ADDED]);
    assertMembership(history.messages.find((msg) => msg.code === ADDED), g.id, ADDED, m, 'history add');
    const stored = history.messages.find((msg) => msg.code === 0);
    assert.deepEqual(stored.content, { t: 'hello' });
    assert.equal(stored.message_id, ack.message_id);
    assert.equal(stored.sender_id, m.id);
    assert.equal(history.next_cursor, undefined);
    for (const [who, label] of [[j, 'join request'], [x, 'outsider']]) {
      const body = await expectHttpError(who.client.listChannelMessages(who.session, channel.id, 10), 400, INVALID_ARGUMENT, label);
      assert.equal(body.message, GROUP_NOT_FOUND, `${label}: message`);
    }
    const unknown = await expectHttpError(o.client.listChannelMessages(o.session, channelOf(UNKNOWN_ID), 10), 400,
      INVALID_ARGUMENT, 'unknown group');
    assert.equal(unknown.message, GROUP_NOT_FOUND);
    const malformed = await expectHttpError(o.client.listChannelMessages(o.session, '3.nope..', 10), 400, INVALID_ARGUMENT,
      'malformed channel id');
    // Nakama: "Invalid channel ID."; Gantry names the id and why (docs/COMPATIBILITY.md, finding 24)
    assert.match(malformed.message, /^Invalid channel (ID\.|identifier\b)/);
    const limit = await expectHttpError(o.client.listChannelMessages(o.session, channel.id, 101), 400, INVALID_ARGUMENT, 'limit 101');
    assert.equal(limit.message, 'Invalid limit - limit must be between 1 and 100.');
    for (const p of [o, m]) await ping(p);
    assert.deepEqual(o.messages.items, [], 'refused sends delivered nothing');
  });

  test('updates and removals reach the channel with codes 1 and 2; only the sender may; a protobuf member chats too', T, async () => {
    const o = await chatter();
    const m = await chatter('protobuf');
    const g = await newGroup(o);
    await step(o.client.addGroupUsers(o.session, g.id, [m.id]), 'add m');
    const channel = await joinGroupChat(o, g.id);
    const mc = await joinGroupChat(m, g.id);
    assert.equal(mc.id, channel.id, 'the protobuf socket gets the same channel');
    assert.equal(mc.group_id, g.id);
    await presenceOf(o, channel.id, m.id);

    const ack = await step(m.socket.writeChatMessage(channel.id, { t: 'draft' }), 'write');
    assert.equal(ack.group_id, g.id);
    assert.equal((await step(o.messages.next(), 'o gets it')).message_id, ack.message_id);
    assert.equal((await step(m.messages.next(), 'm gets it')).message_id, ack.message_id);

    const updateAck = await step(m.socket.updateChatMessage(channel.id, ack.message_id, { t: 'final' }), 'update');
    assert.equal(updateAck.message_id, ack.message_id);
    assert.equal(updateAck.code, 1);
    assert.equal(updateAck.group_id, g.id);
    const updated = await step(o.messages.next(), 'o gets the update');
    assert.equal(updated.message_id, ack.message_id);
    assert.equal(updated.code, 1);
    assert.equal(updated.sender_id, m.id);
    assert.deepEqual(updated.content, { t: 'final' });
    assert.equal((await step(m.messages.next(), 'm gets the update')).code, 1);

    // the superadmin may not edit a member's message
    await socketError(o.socket.updateChatMessage(channel.id, ack.message_id, { t: 'mine' }), BAD_INPUT, 'update by another');
    await socketError(o.socket.removeChatMessage(channel.id, ack.message_id), BAD_INPUT, 'remove by another');

    const removeAck = await step(m.socket.removeChatMessage(channel.id, ack.message_id), 'remove');
    assert.equal(removeAck.message_id, ack.message_id);
    assert.equal(removeAck.code, 2);
    const removed = await step(o.messages.next(), 'o gets the removal');
    assert.equal(removed.message_id, ack.message_id);
    assert.equal(removed.code, 2);
    assert.deepEqual(removed.content, {});
    assert.equal((await step(m.messages.next(), 'm gets the removal')).code, 2);
    // the history keeps the add message; the removed message is gone
    const history = await step(o.client.listChannelMessages(o.session, channel.id, 10, true), 'history');
    assert.deepEqual(history.messages.map((msg) => [msg.code, msg.sender_id]), [[ADDED, m.id]]);
    for (const p of [o, m]) await ping(p);
    assert.deepEqual(o.messages.items, []);
    assert.deepEqual(m.messages.items, []);
  });

  test('history pages: the pages of a listing, in either direction, are the whole listing', T, async () => {
    const o = await chatter();
    const g = await newGroup(o);
    const channel = await joinGroupChat(o, g.id);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await step(o.socket.writeChatMessage(channel.id, { i }), `write ${i}`)).message_id);
    for (const forward of [true, false]) {
      const whole = await step(o.client.listChannelMessages(o.session, channel.id, 100, forward), 'whole');
      assert.deepEqual([...whole.messages.map((msg) => msg.message_id)].sort(), [...sent].sort());
      assert.equal(whole.next_cursor, undefined);
      const paged = [];
      let cursor;
      for (let i = 0; i < 6; i++) {
        const page = await step(o.client.listChannelMessages(o.session, channel.id, 2, forward, cursor), 'page');
        paged.push(...page.messages.map((msg) => msg.message_id));
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      assert.deepEqual(paged, whole.messages.map((msg) => msg.message_id), `forward=${forward}: the pages in order`);
    }
  });

  test('membership changes are channel messages 3-9 from the affected user, live and in the history', T, async () => {
    const [o, m, k, l, p, q] = [await chatter(), await chatter(), await chatter(), await chatter(), await chatter(), await chatter()];
    const g = await newGroup(o, { open: true });
    const channel = await joinGroupChat(o, g.id);

    const expectLive = async (code, affected, label) => {
      const msg = await step(o.messages.next(), label);
      assertMembership(msg, g.id, code, affected, label);
      return msg;
    };
    await step(m.client.joinGroup(m.session, g.id), 'm joins');
    await expectLive(JOINED, m, 'joined (open group)');
    await step(o.client.addGroupUsers(o.session, g.id, [k.id, l.id, p.id]), 'add k, l, p');
    const added = [];
    for (let i = 0; i < 3; i++) added.push((await step(o.messages.next(), 'added')).sender_id);
    assert.deepEqual(added.sort(), [k.id, l.id, p.id].sort());
    await step(o.client.promoteGroupUsers(o.session, g.id, [m.id]), 'promote m');
    await expectLive(PROMOTED, m, 'promoted');
    await step(o.client.demoteGroupUsers(o.session, g.id, [m.id]), 'demote m');
    await expectLive(DEMOTED, m, 'demoted');
    await step(l.client.leaveGroup(l.session, g.id), 'l leaves');
    await expectLive(LEFT, l, 'left');
    await step(o.client.kickGroupUsers(o.session, g.id, [k.id]), 'kick k');
    await expectLive(KICKED, k, 'kicked');
    await step(o.client.banGroupUsers(o.session, g.id, [p.id]), 'ban p');
    await expectLive(BANNED, p, 'banned');
    // a join request, and actions that change nothing, write nothing
    await step(o.client.updateGroup(o.session, g.id, { open: false }), 'close');
    await step(q.client.joinGroup(q.session, g.id), 'q requests');
    await step(o.client.demoteGroupUsers(o.session, g.id, [m.id]), 'demote a member (no change)');
    await step(m.client.joinGroup(m.session, g.id), 'join again (no change)');
    await ping(o);
    assert.deepEqual(o.messages.items, [], 'nothing for a request or a no-op');
    const history = await step(o.client.listChannelMessages(o.session, channel.id, 100, true), 'history');
    assert.deepEqual(history.messages.map((msg) => `${msg.code}:${msg.username}`).sort(), [
      `${JOINED}:${m.username}`, `${ADDED}:${k.username}`, `${ADDED}:${l.username}`, `${ADDED}:${p.username}`,
      `${PROMOTED}:${m.username}`, `${DEMOTED}:${m.username}`, `${LEFT}:${l.username}`, `${KICKED}:${k.username}`,
      `${BANNED}:${p.username}`,
    ].sort(), 'the whole history (sorted: same-second messages have no fixed order on the reference)');
    for (const msg of history.messages) assert.deepEqual(msg.content, {}, 'every membership message is {}');
    assert.ok(history.messages.every((msg) => msg.group_id === g.id && msg.channel_id === channel.id));
  });

  for (const [how, code] of [['leave', LEFT], ['kick', KICKED], ['ban', BANNED]]) {
    test(`${how}: the user's socket is taken out of the channel; it can no longer send, read or re-join`, T, async () => {
      const [o, r] = [await chatter(), await chatter()];
      const g = await newGroup(o);
      await step(o.client.addGroupUsers(o.session, g.id, [r.id]), 'add r');
      const channel = await joinGroupChat(o, g.id);
      await joinGroupChat(r, g.id);
      await presenceOf(o, channel.id, r.id);
      await ping(o);
      assert.deepEqual(o.messages.items, [], 'the add was written before anyone was in the channel');

      if (how === 'leave') await step(r.client.leaveGroup(r.session, g.id), 'leaveGroup');
      else if (how === 'kick') await step(o.client.kickGroupUsers(o.session, g.id, [r.id]), 'kickGroupUsers');
      else await step(o.client.banGroupUsers(o.session, g.id, [r.id]), 'banGroupUsers');

      const atO = await step(o.messages.next(), 'membership message at o');
      assertMembership(atO, g.id, code, r, 'at o');
      const atR = await step(r.messages.next(), 'membership message at the removed user');
      assert.equal(atR.message_id, atO.message_id, 'the removed user gets it too');
      const left = await presenceOf(o, channel.id, r.id, false);
      assert.deepEqual(left.leaves.map((pr) => pr.user_id), [r.id]);
      assert.equal(left.group_id, g.id);

      const err = await socketError(r.socket.writeChatMessage(channel.id, { t: 'still here?' }), BAD_INPUT, 'send after');
      assert.match(err.message, MUST_JOIN);
      const read = await expectHttpError(r.client.listChannelMessages(r.session, channel.id, 1, false), 400, INVALID_ARGUMENT,
        'read after');
      assert.equal(read.message, GROUP_NOT_FOUND);
      const rejoin = await socketError(r.socket.joinChat(g.id, GROUP, true, false), BAD_INPUT, 're-join');
      assert.equal(rejoin.message, NOT_A_MEMBER);
      for (const p of [o, r]) await ping(p);
      assert.deepEqual(r.presences.items, [], 'the removed user gets no presence event');
      assert.deepEqual(o.messages.items, [], 'the refused send reached nobody');
      assert.equal(r.socket.disconnects, 0, 'the socket stays open');
    });
  }

  test('channel_leave and re-join announce the member; a new member added by an admin can join', T, async () => {
    const [o, m, j] = [await chatter(), await chatter(), await chatter()];
    const g = await newGroup(o);
    await step(o.client.addGroupUsers(o.session, g.id, [m.id]), 'add m');
    await step(j.client.joinGroup(j.session, g.id), 'j requests');
    const channel = await joinGroupChat(o, g.id);
    await joinGroupChat(m, g.id);
    await presenceOf(o, channel.id, m.id);

    await step(m.socket.leaveChat(channel.id), 'leaveChat');
    await presenceOf(o, channel.id, m.id, false);
    const back = await step(m.socket.joinChat(g.id, GROUP, true, false), 're-join');
    assert.deepEqual(back.presences.map((p) => p.user_id), [o.id]);
    await presenceOf(o, channel.id, m.id);

    // accepting the request: the added message in the channel, -4 to j, and j may join now
    await step(o.client.addGroupUsers(o.session, g.id, [j.id]), 'accept j');
    assertMembership(await step(o.messages.next(), 'added'), g.id, ADDED, j, 'accepted');
    const note = await step(j.notes.next(), 'added notification');
    assert.equal(note.code, -4);
    assert.deepEqual(note.content, { group_id: g.id, name: g.name });
    const jc = await step(j.socket.joinChat(g.id, GROUP, true, false), 'j joins');
    assert.deepEqual(jc.presences.map((p) => p.user_id).sort(), [o.id, m.id].sort());
    await presenceOf(o, channel.id, j.id);
  });

  test('deleting the group sends nothing; sessions in the channel stay, new joins and reads are refused', T, async () => {
    const [o, m] = [await chatter(), await chatter()];
    const g = await newGroup(o);
    await step(o.client.addGroupUsers(o.session, g.id, [m.id]), 'add m');
    const channel = await joinGroupChat(o, g.id);
    await joinGroupChat(m, g.id);
    await presenceOf(o, channel.id, m.id);
    assert.equal((await step(m.notes.next(), 'm added')).code, -4);
    await ping(o);
    assert.deepEqual(o.messages.items, []);

    await step(o.client.deleteGroup(o.session, g.id), 'deleteGroup');
    for (const p of [o, m]) await ping(p);
    for (const p of [o, m]) {
      assert.deepEqual(p.messages.items, [], 'no message');
      assert.deepEqual(p.presences.items, [], 'no presence event');
      assert.deepEqual(p.notes.items, [], 'no notification');
    }
    // the sessions already in the channel stay and can still talk
    const ack = await step(m.socket.writeChatMessage(channel.id, { t: 'after delete' }), 'send after delete');
    assert.equal(ack.group_id, g.id);
    const atO = await step(o.messages.next(), 'o gets it');
    assert.equal(atO.message_id, ack.message_id);
    assert.deepEqual(atO.content, { t: 'after delete' });
    const read = await expectHttpError(m.client.listChannelMessages(m.session, channel.id, 2, false), 400, INVALID_ARGUMENT, 'read');
    assert.equal(read.message, GROUP_NOT_FOUND);
    await step(m.socket.leaveChat(channel.id), 'leaveChat');
    const rejoin = await socketError(m.socket.joinChat(g.id, GROUP, true, false), BAD_INPUT, 're-join');
    assert.equal(rejoin.message, NOT_A_MEMBER);
  });
});
