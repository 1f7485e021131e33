// Direct messages and blocks through the official @heroiclabs/nakama-js client: a user blocked by
// the target cannot join a direct-message channel with it, the blocker still can. The assertions
// are the reference Nakama 3.18.0's answers, recorded in
// interop/differential/reference-facts/social.md, section "friends: direct messages and blocks"
// (issue 14). How nakama-js handles chat: see the top of chat.test.js.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, serverReady, connect, eventQueue, request, closeAllSockets,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

const DIRECT_MESSAGE = 2;
const BAD_INPUT = 3;
const UNKNOWN_ID = '11111111-2222-3333-4444-555555555555';
// The same words for an unknown user and for a target that blocked the joiner: the block is not revealed.
const INVALID_TARGET = 'User ID not found: Invalid channel target';

before(() => serverReady());
after(() => closeAllSockets());

async function chatter() {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('dm-device'), true), 'authenticateDevice');
  const socket = await connect(client, session, { appearOnline: true });
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

/** The direct-message channel id: "4.<lower id>.<higher id>." (ids compared as strings). */
const dmId = (a, b) => (a < b ? `4.${a}.${b}.` : `4.${b}.${a}.`);

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

function presenceOf(user, channelId, userId, join = true) {
  const list = join ? 'joins' : 'leaves';
  return user.presences.nextMatching((e) => e.channel_id === channelId && (e[list] || []).some((p) => p.user_id === userId),
    STEP_TIMEOUT_MS, `${join ? 'join' : 'leave'} of ${userId}`);
}

const ping = (user) => request(user.socket, { ping: {} });

describe('direct messages and blocks', S, () => {
  test('a user blocked by the target cannot join a DM with it; the blocker still can', T, async () => {
    const [a, d] = [await chatter(), await chatter()];
    const channelId = dmId(a.id, d.id);

    // before the block: no friendship needed; a is asked to chat
    const joined = await step(d.socket.joinChat(a.id, DIRECT_MESSAGE, true, false), 'd joins the DM');
    assert.equal(joined.id, channelId);
    await presenceOf(d, channelId, d.id);
    const invite = await step(a.notes.next(), 'wants to chat');
    assert.equal(invite.code, -1);
    assert.equal(invite.subject, `${d.username} wants to chat`);
    assert.deepEqual(invite.content, { username: d.username });

    assert.equal(await step(a.client.blockFriends(a.session, [d.id]), 'a blocks d'), true);
    // a session already in the DM stays there and can still send (a is not in it: nothing reaches a)
    const ack = await step(d.socket.writeChatMessage(channelId, { m: 'hi' }), 'd sends after the block');
    assert.equal(ack.channel_id, channelId);
    assert.equal((await step(d.messages.next(), 'd gets its message')).message_id, ack.message_id);

    // a new join by the blocked user is refused with the words for an unknown user
    const refused = await socketError(d.socket.joinChat(a.id, DIRECT_MESSAGE, true, false), BAD_INPUT, 'd joins again');
    assert.equal(refused.message, INVALID_TARGET);
    const unknown = await socketError(d.socket.joinChat(UNKNOWN_ID, DIRECT_MESSAGE, true, false), BAD_INPUT, 'unknown user');
    assert.equal(unknown.message, INVALID_TARGET);
    const malformed = await socketError(d.socket.joinChat('nope', DIRECT_MESSAGE, true, false), BAD_INPUT, 'malformed');
    assert.equal(malformed.message, 'Invalid user ID in direct message join: Invalid channel target');
    await ping(a);
    assert.deepEqual(a.notes.items, [], 'the block and the refused joins sent nothing to a');
    assert.deepEqual(a.messages.items, []);

    // the blocker may join: d (still in) is listed and sees a arrive
    const blocker = await step(a.socket.joinChat(d.id, DIRECT_MESSAGE, true, false), 'a joins the DM');
    assert.equal(blocker.id, channelId);
    assert.deepEqual(blocker.presences.map((p) => p.user_id), [d.id]);
    await presenceOf(a, channelId, a.id);
    await presenceOf(d, channelId, a.id);
  });

  test('a block made before any join: the blocked user is refused, the blocker joins and asks the other to chat', T, async () => {
    const [a, d] = [await chatter(), await chatter()];
    const channelId = dmId(a.id, d.id);
    await step(a.client.blockFriends(a.session, [d.id]), 'a blocks d');
    const err = await socketError(d.socket.joinChat(a.id, DIRECT_MESSAGE, true, false), BAD_INPUT, 'blocked d joins');
    assert.equal(err.message, INVALID_TARGET);
    const channel = await step(a.socket.joinChat(d.id, DIRECT_MESSAGE, true, false), 'the blocker joins');
    assert.equal(channel.id, channelId);
    await presenceOf(a, channelId, a.id);
    // the blocker's join asks d to chat as any DM join does when the other user is not in it
    const invite = await step(d.notes.next(), 'wants to chat');
    assert.equal(invite.code, -1);
    assert.equal(invite.sender_id, a.id);
  });
});
