// Status and notification interop tests through the official @heroiclabs/nakama-js client (see
// helpers.js for how the client behaves under Node).
//
// What nakama-js 2.8.0 does here (dist/nakama-js.cjs.js): connect(session, createStatus) puts
// `status=<createStatus>` in the socket URL; followUsers(ids) sends {status_follow: {user_ids}}
// (no usernames: those need a raw send) and resolves with `response.status`, whose `presences`
// is absent when empty (protojson omits empty lists); unfollowUsers and updateStatus resolve with
// the whole (empty) reply; updateStatus() with no argument sends {status_update: {}}, which
// Nakama reads as "appear offline"; onstatuspresence gets the status_presence_event; each
// notification of a `notifications` envelope goes to onnotification with its content
// JSON.parse'd. listNotifications(session, limit, cacheableCursor) sends `cacheable_cursor`;
// deleteNotifications(session, ids) sends `ids=a&ids=b` and resolves with true.
// Socket errors reject with the Error message itself: {code, message}.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, eventQueue, request, serverReady, expectHttpError, describeValue,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

// rtapi Error codes; gRPC codes in REST error bodies.
const BAD_INPUT = 3;
const INVALID_ARGUMENT = 3;
// Nakama's notification times are whole seconds, written by protojson without a fraction.
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const sockets = new Set();

before(() => serverReady());
after(() => {
  for (const socket of sockets) {
    try { socket.disconnect(false); } catch { /* ignore */ }
  }
});

/**
 * A user with a connected socket. The event queues are installed before connecting, so an event
 * sent right after the upgrade (the user's own status join) cannot slip past them.
 */
async function user({ appearOnline = false, client = newClient(), session } = {}) {
  session ??= await step(client.authenticateDevice(uniqueId('status-device'), true, uniqueId('status-user')),
    'authenticateDevice');
  const socket = client.createSocket(false, false);
  const status = eventQueue(socket, 'onstatuspresence');
  const notifications = eventQueue(socket, 'onnotification');
  try {
    await step(socket.connect(session, appearOnline, STEP_TIMEOUT_MS - 1_000), 'socket connect');
  } catch (err) {
    throw err instanceof Error ? err : new Error(`socket connect failed: ${describeValue(err)}`);
  }
  sockets.add(socket);
  // The server publishes the connect once the upgrade is written; a ping through the router
  // orders whatever this test does next after it.
  await request(socket, { ping: {} });
  return { client, session, socket, status, notifications, id: session.user_id, username: session.username };
}

function disconnect(u) {
  u.socket.disconnect(false);
  sockets.delete(u.socket);
}

/** Awaits `promise`, which must reject with an rtapi Error of `code`. */
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

function assertPresence(presence, u, status) {
  assert.equal(presence.user_id, u.id);
  assert.equal(presence.username, u.username);
  assert.ok(presence.session_id, 'presence has a session id');
  assert.equal(presence.status, status);
}

describe('status', S, () => {
  test('connect(session, true): the user gets its own join, with an empty status', T, async () => {
    const alice = await user({ appearOnline: true });
    const event = await alice.status.next();
    assert.equal(event.joins.length, 1);
    assertPresence(event.joins[0], alice, '');
    assert.equal(event.leaves, undefined);
    await alice.status.expectNone(300);
  });

  test('followUsers returns the online users only; updateStatus is one event with join new and leave old', T, async () => {
    const alice = await user({ appearOnline: true });
    const offline = await user(); // connected with status=false: not online
    const fan = await user();
    const other = await user();

    const status = await step(fan.socket.followUsers([alice.id, offline.id, fan.id]), 'followUsers');
    assert.equal(status.presences.length, 1, JSON.stringify(status));
    assertPresence(status.presences[0], alice, '');
    await step(other.socket.followUsers([alice.id]), 'followUsers');

    await step(alice.socket.updateStatus('in the lobby'), 'updateStatus');
    for (const follower of [fan, other]) {
      const event = await follower.status.next();
      assert.equal(event.joins.length, 1);
      assert.equal(event.leaves.length, 1);
      assertPresence(event.joins[0], alice, 'in the lobby');
      assertPresence(event.leaves[0], alice, '');
      await follower.status.expectNone(200);
    }
  });

  test('updateStatus() with no status appears offline', T, async () => {
    const alice = await user({ appearOnline: true });
    const fan = await user();
    await step(alice.socket.updateStatus('brb'), 'updateStatus');
    const status = await step(fan.socket.followUsers([alice.id]), 'followUsers');
    assertPresence(status.presences[0], alice, 'brb');

    await step(alice.socket.updateStatus(), 'updateStatus()');
    const event = await fan.status.next();
    assert.equal(event.joins, undefined);
    assertPresence(event.leaves[0], alice, 'brb');

    const late = await user();
    const none = await step(late.socket.followUsers([alice.id]), 'followUsers');
    assert.deepEqual(none.presences ?? [], []);
  });

  test('a disconnect is a leave with the last status', T, async () => {
    const alice = await user({ appearOnline: true });
    const fan = await user();
    await step(fan.socket.followUsers([alice.id]), 'followUsers');
    await step(alice.socket.updateStatus('leaving soon'), 'updateStatus');
    await fan.status.next();

    disconnect(alice);
    const event = await fan.status.next();
    assert.equal(event.joins, undefined);
    assert.equal(event.leaves.length, 1);
    assertPresence(event.leaves[0], alice, 'leaving soon');
  });

  test('a user with two sockets is online while either is', T, async () => {
    const phone = await user({ appearOnline: true });
    const laptop = await user({ appearOnline: true, client: phone.client, session: phone.session });
    const fan = await user();
    const status = await step(fan.socket.followUsers([phone.id]), 'followUsers');
    assert.equal(status.presences.length, 2);
    assert.notEqual(status.presences[0].session_id, status.presences[1].session_id);

    disconnect(phone);
    const event = await fan.status.next();
    assert.equal(event.leaves.length, 1);
    const late = await user();
    const still = await step(late.socket.followUsers([laptop.id]), 'followUsers');
    assert.equal(still.presences.length, 1);
    assert.notEqual(still.presences[0].session_id, event.leaves[0].session_id);
  });

  test('following by username (raw status_follow)', T, async () => {
    const alice = await user({ appearOnline: true });
    const fan = await user();
    const reply = await request(fan.socket, { status_follow: { usernames: [alice.username] } });
    assertPresence(reply.status.presences[0], alice, '');
  });

  test('unfollowUsers stops the events', T, async () => {
    const alice = await user({ appearOnline: true });
    const fan = await user();
    await step(fan.socket.followUsers([alice.id]), 'followUsers');
    await step(alice.socket.updateStatus('one'), 'updateStatus');
    await fan.status.next();

    await step(fan.socket.unfollowUsers([alice.id]), 'unfollowUsers');
    await step(alice.socket.updateStatus('two'), 'updateStatus');
    await fan.status.expectNone(500);
  });

  test('following a malformed user id is BAD_INPUT and follows nobody', T, async () => {
    const alice = await user({ appearOnline: true });
    const fan = await user();
    // Nakama: "Invalid user identifier" (pipeline_status.go), the whole request fails.
    await expectSocketError(fan.socket.followUsers([alice.id, 'not-a-uuid']), BAD_INPUT, 'followUsers(malformed)');
    await step(alice.socket.updateStatus('unseen'), 'updateStatus');
    await fan.status.expectNone(500);
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "Unknown users in `status_follow` are
  // `BAD_INPUT`" (Nakama ignores unknown ids and usernames and follows the known ones).
  test('following an unknown user id or username is BAD_INPUT and follows nobody', T, async () => {
    const alice = await user({ appearOnline: true });
    const fan = await user();
    await expectSocketError(fan.socket.followUsers([alice.id, randomUUID()]), BAD_INPUT, 'followUsers(unknown)');
    await expectSocketError(request(fan.socket, { status_follow: { usernames: [uniqueId('nobody')] } }),
      BAD_INPUT, 'status_follow(unknown username)');
    await step(alice.socket.updateStatus('unseen'), 'updateStatus');
    await fan.status.expectNone(500);
  });

  test('a status over 2048 characters is BAD_INPUT and changes nothing', T, async () => {
    const alice = await user({ appearOnline: true });
    const fan = await user();
    await step(fan.socket.followUsers([alice.id]), 'followUsers');
    await expectSocketError(alice.socket.updateStatus('x'.repeat(2049)), BAD_INPUT, 'updateStatus(2049)');
    await fan.status.expectNone(300);
    await step(alice.socket.updateStatus('x'.repeat(2048)), 'updateStatus(2048)');
    assertPresence((await fan.status.next()).joins[0], alice, 'x'.repeat(2048));
  });
});

describe('notifications', S, () => {
  test('joining a DM notifies the other user live; the notification is listed and deleted over REST', T, async () => {
    const alice = await user();
    const bob = await user();
    const channel = await step(alice.socket.joinChat(bob.id, 2, true, false), 'joinChat');
    assert.ok(channel.id.startsWith('4.'), JSON.stringify(channel));

    const live = await bob.notifications.next();
    assert.equal(live.code, -1);
    assert.equal(live.subject, `${alice.username} wants to chat`);
    assert.equal(live.sender_id, alice.id);
    // Nakama: the content names the sender (pipeline_channel.go channelJoin).
    assert.deepEqual(live.content, { username: alice.username });
    assert.equal(live.persistent, true);
    assert.match(live.create_time, WHOLE_SECONDS);
    await alice.notifications.expectNone(200);

    const list = await step(bob.client.listNotifications(bob.session, 10), 'listNotifications');
    assert.equal(list.notifications.length, 1);
    const stored = list.notifications[0];
    assert.equal(stored.id, live.id);
    assert.equal(stored.code, -1);
    assert.equal(stored.subject, live.subject);
    assert.equal(stored.sender_id, alice.id);
    assert.deepEqual(stored.content, { username: alice.username });
    assert.equal(stored.create_time, live.create_time);
    assert.equal(typeof list.cacheable_cursor, 'string');

    // Nothing newer than the cursor.
    const newer = await step(bob.client.listNotifications(bob.session, 10, list.cacheable_cursor), 'listNotifications(cursor)');
    assert.equal(newer.notifications.length, 0);
    assert.equal(newer.cacheable_cursor, list.cacheable_cursor);

    // Alice cannot delete bob's notification; bob can.
    assert.equal(await step(alice.client.deleteNotifications(alice.session, [live.id]), 'deleteNotifications(alice)'), true);
    assert.equal((await step(bob.client.listNotifications(bob.session, 10), 'listNotifications')).notifications.length, 1);
    assert.equal(await step(bob.client.deleteNotifications(bob.session, [live.id]), 'deleteNotifications(bob)'), true);
    assert.equal((await step(bob.client.listNotifications(bob.session, 10), 'listNotifications')).notifications.length, 0);
  });

  test('the notification of a DM to an offline user waits in the list', T, async () => {
    const alice = await user();
    const bobClient = newClient();
    const bobSession = await step(bobClient.authenticateDevice(uniqueId('status-device'), true), 'authenticateDevice');
    await step(alice.socket.joinChat(bobSession.user_id, 2, true, false), 'joinChat');
    // Nakama stores the notification before it answers the join (pipeline_channel.go).
    const list = await step(bobClient.listNotifications(bobSession, 100), 'listNotifications');
    assert.equal(list.notifications.length, 1);
    assert.equal(list.notifications[0].subject, `${alice.username} wants to chat`);
    assert.deepEqual(list.notifications[0].content, { username: alice.username });
  });

  test('a bad cacheable cursor is a 400 with code 3', T, async () => {
    const alice = await user();
    await expectHttpError(alice.client.listNotifications(alice.session, 10, 'not-a-cursor'), 400, INVALID_ARGUMENT,
      'listNotifications(bad cursor)');
    await expectHttpError(alice.client.listNotifications(alice.session, 101), 400, INVALID_ARGUMENT,
      'listNotifications(limit 101)');
  });
});
