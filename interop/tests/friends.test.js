// Friends interop tests through the official @heroiclabs/nakama-js client. The assertions are the
// reference Nakama 3.18.0's answers, recorded in
// interop/differential/reference-facts/social.md, section "friends" (issue 14).
//
// What nakama-js 2.8.0 does here (dist/nakama-js.cjs.js): addFriends / deleteFriends /
// blockFriends(session, ids, usernames) send the users as repeated query parameters and resolve
// with `true`; listFriends(session, state, limit, cursor) resolves with {friends: [{user, state}],
// cursor} (friends [] when the answer has none; the entry's update_time is dropped, the user's
// metadata JSON.parse'd, edge_count a Number, 0 when absent). Non-2xx answers reject with the
// fetch Response.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, serverReady, expectHttpError, connect, eventQueue, request, closeAllSockets,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);
const INVALID_ARGUMENT = 3;

before(() => serverReady());
after(() => closeAllSockets());

async function player() {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('friends-device'), true), 'authenticateDevice');
  return { client, session, id: session.user_id, username: session.username };
}

/** "username:state" of each entry of p's list, in order. */
async function states(p, state) {
  const list = await step(p.client.listFriends(p.session, state), 'listFriends');
  return list.friends.map((f) => `${f.user.username}:${f.state}`);
}

async function refused(promise, message, label) {
  const body = await expectHttpError(promise, 400, INVALID_ARGUMENT, label);
  assert.equal(body.message, message, `${label}: message`);
}

async function edgeCount(viewer, of) {
  const users = await step(viewer.client.getUsers(viewer.session, [of.id]), 'getUsers');
  return users.users[0].edge_count ?? 0;
}

describe('friends', S, () => {
  test('an invite, then an accept: states on both sides and the notifications', T, async () => {
    const a = await player();
    const b = await player();
    const as = await connect(a.client, a.session, { appearOnline: true });
    const bs = await connect(b.client, b.session, { appearOnline: true });
    const aNotes = eventQueue(as, 'onnotification');
    const bNotes = eventQueue(bs, 'onnotification');

    assert.equal(await step(a.client.addFriends(a.session, [b.id]), 'addFriends'), true);
    const invite = await bNotes.next();
    assert.equal(invite.subject, `${a.username} wants to add you as a friend`);
    assert.equal(invite.code, -2);
    assert.equal(invite.sender_id, a.id);
    assert.equal(invite.persistent, true);
    assert.deepEqual(invite.content, { username: a.username });
    assert.deepEqual(await states(a), [`${b.username}:1`]);
    assert.deepEqual(await states(b), [`${a.username}:2`]);
    assert.deepEqual(await states(b, 0), []);
    const entry = (await step(a.client.listFriends(a.session), 'listFriends')).friends[0];
    assert.equal(entry.user.online, true);
    assert.equal(entry.user.id, b.id);

    await step(a.client.addFriends(a.session, [b.id]), 'repeated invite');
    await step(b.client.addFriends(b.session, undefined, [a.username]), 'accept by username');
    const accept = await aNotes.next();
    assert.equal(accept.subject, `${b.username} accepted your friend request`);
    assert.equal(accept.code, -3);
    await request(as, { ping: {} });
    await request(bs, { ping: {} });
    assert.equal(aNotes.items.length, 0, 'a got only the accept');
    assert.equal(bNotes.items.length, 0, 'the repeated invite sent nothing');
    assert.deepEqual(await states(a, 0), [`${b.username}:0`]);
    assert.deepEqual(await states(b, 0), [`${a.username}:0`]);
    assert.equal(await edgeCount(a, a), 1);
  });

  test('refusals answer Nakama\'s messages', T, async () => {
    const a = await player();
    await refused(a.client.addFriends(a.session, [a.id]), 'Cannot add self as friend.', 'add self');
    await refused(a.client.addFriends(a.session, undefined, [a.username]), 'Cannot add self as friend.', 'add self by name');
    await refused(a.client.addFriends(a.session, ['not-a-uuid']), "Invalid user ID 'not-a-uuid'.", 'malformed');
    await refused(a.client.addFriends(a.session, undefined, ['nosuchuser-' + uniqueId('x')]),
      'No valid ID or username was provided.', 'unknown username');
    await refused(a.client.deleteFriends(a.session, [a.id]), 'Cannot delete self.', 'delete self');
    await refused(a.client.blockFriends(a.session, [a.id]), 'Cannot block self.', 'block self');
    await refused(a.client.listFriends(a.session, 4), 'Invalid state - state must be between 0 and 3.', 'state 4');
    await refused(a.client.listFriends(a.session, undefined, 1001),
      'Invalid limit - limit must be between 1 and 1000.', 'limit 1001');
    await refused(a.client.listFriends(a.session, undefined, undefined, 'garbage'), 'Cursor is invalid.', 'cursor');
    assert.equal(await step(a.client.addFriends(a.session, ['11111111-2222-3333-4444-555555555555']), 'unknown id'), true);
    assert.equal(await step(a.client.deleteFriends(a.session, undefined, ['nosuch-' + uniqueId('x')]), 'delete unknown'), true);
    assert.deepEqual(await states(a), []);
  });

  test('the list is ordered by state then position and pages with a cursor', T, async () => {
    const [a, b, c, d] = [await player(), await player(), await player(), await player()];
    await step(b.client.addFriends(b.session, [a.id]), 'b invites a');
    await step(a.client.addFriends(a.session, [c.id]), 'a invites c');
    await step(a.client.addFriends(a.session, [d.id]), 'a invites d');
    await step(a.client.addFriends(a.session, [b.id]), 'a accepts b');
    const all = [`${b.username}:0`, `${c.username}:1`, `${d.username}:1`];
    assert.deepEqual(await states(a), all);
    const paged = [];
    let cursor;
    for (let i = 0; i < 5; i++) {
      const page = await step(a.client.listFriends(a.session, undefined, 1, cursor), 'page');
      paged.push(...page.friends.map((f) => `${f.user.username}:${f.state}`));
      cursor = page.cursor;
      if (!cursor) break;
    }
    assert.deepEqual(paged, all);
    assert.equal((await step(a.client.listFriends(a.session, 1, 2), 'state 1')).cursor, undefined,
      'a page filling the limit at the end has no cursor');
    assert.equal(await edgeCount(b, a), 3);
  });

  test('block: the blocker holds 3, the blocked loses its edge; delete unblocks', T, async () => {
    const [a, c] = [await player(), await player()];
    await step(c.client.addFriends(c.session, [a.id]), 'c invites a');
    await step(a.client.addFriends(a.session, [c.id]), 'a accepts');
    assert.equal(await step(a.client.blockFriends(a.session, [c.id]), 'block'), true);
    assert.deepEqual(await states(a), [`${c.username}:3`]);
    assert.deepEqual(await states(c), []);
    assert.equal(await edgeCount(a, c), 0);
    await step(c.client.addFriends(c.session, [a.id]), 'the blocked user invites');
    assert.deepEqual(await states(c), []);
    await step(a.client.addFriends(a.session, [c.id]), 'the blocker invites');
    assert.deepEqual(await states(a, 3), [`${c.username}:3`]);
    assert.equal(await step(a.client.deleteFriends(a.session, [c.id]), 'unblock'), true);
    assert.deepEqual(await states(a), []);
  });
});
