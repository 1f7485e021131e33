// Account, users and linking interop tests through the official @heroiclabs/nakama-js client (see
// helpers.js for how the client behaves under Node). The assertions are the reference Nakama
// 3.18.0's answers, probed and written up in /work/notes/ref-player-data.md (issue 13).
//
// What nakama-js 2.8.0 does here (dist/nakama-js.cjs.js): getAccount resolves with the REST JSON
// as it came (metadata and wallet stay JSON strings); updateAccount, deleteAccount, link* and
// unlink* resolve with `true` on any 2xx (the body, `{}`, is dropped); getUsers(session, ids,
// usernames) sends `ids=a&ids=b&usernames=c&` and maps each user, JSON.parse'ing metadata,
// forcing edge_count to a Number (0 when absent) and leaving absent fields undefined; with no
// `users` in the answer it resolves with {users: []}. Every non-2xx answer rejects with the fetch
// Response (status, and the {code, message} body of the gRPC gateway).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, connect, closeAllSockets, request, serverReady, expectHttpError, rawSocket,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

// gRPC codes in REST error bodies.
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;
// Account and user times are whole seconds, written by protojson without a fraction.
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const LAST_LINK = 'Cannot unlink last account identifier. Check profile exists and is not last link.';

before(() => serverReady());
after(() => closeAllSockets());

/** A fresh device account: {client, session, deviceId, id}. */
async function player(prefix = 'acct') {
  const client = newClient();
  const deviceId = uniqueId(`${prefix}-device`);
  const session = await step(client.authenticateDevice(deviceId, true), 'authenticateDevice');
  return { client, session, deviceId, id: session.user_id };
}

/**
 * Upper-cases every letter outside the random hex of uniqueId() (which the differential normaliser
 * recognises only in lower case): "case-0a1b…@example.com" -> "CASE-0a1b…@EXAMPLE.COM".
 */
function shout(s) {
  return s.replace(/[0-9a-f]{16}|[^]/g, (m) => (m.length === 16 ? m : m.toUpperCase()));
}

/** Expects an HTTP error with exactly this status, gRPC code and message. */
async function refused(promise, status, code, message, label) {
  const body = await expectHttpError(promise, status, code, label);
  assert.equal(body.message, message, `${label}: message`);
  return body;
}

describe('account: get and update', S, () => {
  test('a new device account: id, generated username, lang_tag "en", metadata and wallet "{}", its device', T, async () => {
    const p = await player();
    const account = await step(p.client.getAccount(p.session), 'getAccount');
    assert.equal(account.user.id, p.id);
    assert.equal(account.user.username, p.session.username);
    assert.match(account.user.username, /^[A-Za-z]{10}$/);
    assert.equal(account.user.lang_tag, 'en');
    assert.equal(account.user.metadata, '{}');
    assert.equal(account.wallet, '{}');
    assert.deepEqual(account.devices, [{ id: p.deviceId }]);
    assert.match(account.user.create_time, WHOLE_SECONDS);
    assert.match(account.user.update_time, WHOLE_SECONDS);
    // Empty strings and false are omitted (protojson), so none of these is present.
    for (const field of ['display_name', 'avatar_url', 'location', 'timezone', 'online']) {
      assert.equal(account.user[field], undefined, `user.${field} absent`);
    }
    for (const field of ['email', 'custom_id', 'verify_time', 'disable_time']) {
      assert.equal(account[field], undefined, `${field} absent`);
    }
  });

  test('each field updates on its own and shows in getAccount; "" clears a text field', T, async () => {
    const p = await player();
    const username = uniqueId('acct-user');
    const fields = {
      username, display_name: 'Display Name', avatar_url: 'http://example.com/a.png', lang_tag: 'de',
      location: 'Berlin', timezone: 'Europe/Berlin',
    };
    for (const [field, value] of Object.entries(fields)) {
      assert.equal(await step(p.client.updateAccount(p.session, { [field]: value }), `updateAccount(${field})`), true);
    }
    let account = await step(p.client.getAccount(p.session), 'getAccount');
    for (const [field, value] of Object.entries(fields)) assert.equal(account.user[field], value, field);
    assert.equal(account.user.metadata, '{}');
    assert.equal(account.wallet, '{}');
    assert.deepEqual(account.devices, [{ id: p.deviceId }]);
    assert.ok(account.user.update_time >= account.user.create_time);

    await step(p.client.updateAccount(p.session, { display_name: '', avatar_url: '', location: '', timezone: '' }),
      'updateAccount(clear)');
    account = await step(p.client.getAccount(p.session), 'getAccount');
    for (const field of ['display_name', 'avatar_url', 'location', 'timezone']) {
      assert.equal(account.user[field], undefined, `${field} cleared`);
    }
    assert.equal(account.user.username, username, 'username kept');
    assert.equal(account.user.lang_tag, 'de', 'lang_tag kept');
  });

  test('usernames: 1-128 bytes, spaces allowed, case kept, the same name again is fine', T, async () => {
    const p = await player();
    const withSpace = `${uniqueId('a b')}`;
    await step(p.client.updateAccount(p.session, { username: withSpace }), 'updateAccount(space)');
    assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).user.username, withSpace);
    await step(p.client.updateAccount(p.session, { username: withSpace }), 'updateAccount(same name again)');

    const long = `${uniqueId('L')}`.padEnd(128, 'x');
    await step(p.client.updateAccount(p.session, { username: long }), 'updateAccount(128 bytes)');
    assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).user.username, long);

    const mixed = uniqueId('MiXeD');
    await step(p.client.updateAccount(p.session, { username: mixed }), 'updateAccount(mixed case)');
    const account = await step(p.client.getAccount(p.session), 'getAccount');
    assert.equal(account.user.username, mixed, 'case kept as given');
  });

  test('username uniqueness is case-sensitive: another user may take the other case', T, async () => {
    const a = await player();
    const b = await player();
    const name = uniqueId('case');
    await step(a.client.updateAccount(a.session, { username: name }), 'a takes the name');
    await refused(b.client.updateAccount(b.session, { username: name }), 400, INVALID_ARGUMENT,
      'Username is already in use.', 'b takes the same name');
    await step(b.client.updateAccount(b.session, { username: shout(name) }), 'b takes it upper-cased');
    const users = await step(a.client.getUsers(a.session, [], [name, shout(name)]), 'getUsers');
    assert.deepEqual(users.users.map((u) => u.id).sort(), [a.id, b.id].sort());
  });

  test('refused updates change nothing: no fields, empty or 129-byte username, a taken username', T, async () => {
    const a = await player();
    const b = await player();
    const before = await step(a.client.getAccount(a.session), 'getAccount');
    await refused(a.client.updateAccount(a.session, {}), 400, INVALID_ARGUMENT, 'No fields to update.', 'updateAccount({})');
    // metadata is not a field of UpdateAccountRequest (nakama-js sends it, the server drops it).
    await refused(a.client.updateAccount(a.session, { metadata: '{"a":1}' }), 400, INVALID_ARGUMENT,
      'No fields to update.', 'updateAccount(metadata only)');
    await refused(a.client.updateAccount(a.session, { username: '' }), 400, INVALID_ARGUMENT,
      'Username invalid, must be 1-128 bytes.', 'updateAccount(username "")');
    await refused(a.client.updateAccount(a.session, { username: 'x'.repeat(129) }), 400, INVALID_ARGUMENT,
      'Username invalid, must be 1-128 bytes.', 'updateAccount(username 129 bytes)');
    await refused(a.client.updateAccount(a.session, { username: b.session.username, display_name: 'not me' }), 400,
      INVALID_ARGUMENT, 'Username is already in use.', 'updateAccount(taken username)');
    const after = await step(a.client.getAccount(a.session), 'getAccount');
    assert.deepEqual(after, before);
  });

  test('without a token: 401 "Auth token required"', T, async () => {
    const res = await fetch(`${newClient().apiClient.basePath}/v2/account`, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { code: UNAUTHENTICATED, message: 'Auth token required' });
  });
});

describe('account: delete', S, () => {
  test('deleting the account kills its tokens and its socket, frees its device and username', T, async () => {
    const p = await player('del');
    const username = uniqueId('del-user');
    await step(p.client.updateAccount(p.session, { username }), 'updateAccount(username)');
    const socket = await connect(p.client, p.session);
    await request(socket, { ping: {} });
    let closed;
    const closedEvent = new Promise((resolve) => { closed = resolve; });
    socket.ondisconnect = (evt) => closed(evt);

    assert.equal(await step(p.client.deleteAccount(p.session), 'deleteAccount'), true);

    // The open socket is closed by the server: a close frame without a status code (1005).
    const evt = await step(closedEvent, 'socket closed after deleteAccount');
    assert.equal(evt.code, 1005);

    await refused(p.client.getAccount(p.session), 401, UNAUTHENTICATED, 'Auth token invalid', 'getAccount(old token)');
    await refused(p.client.updateAccount(p.session, { display_name: 'x' }), 401, UNAUTHENTICATED,
      'Auth token invalid', 'updateAccount(old token)');
    await refused(p.client.deleteAccount(p.session), 401, UNAUTHENTICATED, 'Auth token invalid', 'deleteAccount again');
    await refused(p.client.sessionRefresh(p.session), 401, UNAUTHENTICATED, 'Refresh token invalid or expired.',
      'sessionRefresh(old refresh token)');
    await assert.rejects(rawSocket({ token: p.session.token }), (err) => err.statusCode === 401,
      'a socket with the old token is refused with 401');

    await refused(p.client.authenticateDevice(p.deviceId, false), 404, NOT_FOUND, 'User account not found.',
      'authenticateDevice(create=false) after delete');
    const again = await step(p.client.authenticateDevice(p.deviceId, true), 'authenticateDevice(create=true)');
    assert.equal(again.created, true, 'a new account');
    assert.notEqual(again.user_id, p.id);

    const other = await player();
    await step(other.client.updateAccount(other.session, { username }), 'the deleted username is free again');
  });
});

describe('users', S, () => {
  test('ids and usernames mixed: each user once, with its public fields', T, async () => {
    const a = await player('users');
    const b = await player('users');
    const c = await player('users');
    await step(b.client.updateAccount(b.session, {
      display_name: 'B', avatar_url: 'u', lang_tag: 'fr', location: 'L', timezone: 'T',
    }), 'updateAccount(b)');
    const result = await step(a.client.getUsers(a.session, [c.id, a.id, b.id], [b.session.username]), 'getUsers');
    // The reference answers in its table's row order (here the creation order), not the order asked.
    const byId = new Map(result.users.map((u) => [u.id, u]));
    assert.equal(result.users.length, 3, 'b asked for by id and by username comes once');
    assert.deepEqual([...byId.keys()].sort(), [a.id, b.id, c.id].sort());
    const ub = byId.get(b.id);
    assert.equal(ub.username, b.session.username);
    assert.equal(ub.display_name, 'B');
    assert.equal(ub.avatar_url, 'u');
    assert.equal(ub.lang_tag, 'fr');
    assert.equal(ub.location, 'L');
    assert.equal(ub.timezone, 'T');
    assert.deepEqual(ub.metadata, {});
    assert.equal(ub.online, undefined);
    assert.match(ub.create_time, WHOLE_SECONDS);
    assert.match(ub.update_time, WHOLE_SECONDS);
    const uc = byId.get(c.id);
    assert.equal(uc.lang_tag, 'en');
    assert.equal(uc.display_name, undefined);

    // The raw answer: metadata is the string "{}", and nothing else than these keys.
    const raw = await step(a.client.apiClient.getUsers(a.session.token, [c.id]), 'apiClient.getUsers');
    assert.deepEqual(Object.keys(raw.users[0]).sort(), ['create_time', 'id', 'lang_tag', 'metadata', 'update_time', 'username']);
    assert.equal(raw.users[0].metadata, '{}');
  });

  test('the same id twice, the same username twice: once', T, async () => {
    const a = await player('users');
    const b = await player('users');
    const byIds = await step(a.client.getUsers(a.session, [b.id, b.id]), 'getUsers(ids twice)');
    assert.deepEqual(byIds.users.map((u) => u.id), [b.id]);
    const byNames = await step(a.client.getUsers(a.session, [], [b.session.username, b.session.username]),
      'getUsers(usernames twice)');
    assert.deepEqual(byNames.users.map((u) => u.id), [b.id]);
  });

  test('unknown ids and usernames are skipped; usernames match case-sensitively; nothing found is {}', T, async () => {
    const a = await player('users');
    const raw = await step(a.client.apiClient.getUsers(a.session.token, [randomUUID()], [uniqueId('nobody')]),
      'apiClient.getUsers(unknown)');
    assert.deepEqual(raw, {});
    const upper = await step(a.client.getUsers(a.session, [], [a.session.username.toUpperCase()]), 'getUsers(upper case)');
    assert.deepEqual(upper.users, []);
    const mixed = await step(a.client.getUsers(a.session, [randomUUID(), a.id], [uniqueId('nobody')]), 'getUsers(mixed)');
    assert.deepEqual(mixed.users.map((u) => u.id), [a.id]);
    const none = await step(a.client.apiClient.getUsers(a.session.token), 'apiClient.getUsers()');
    assert.deepEqual(none, {});
  });

  test('a malformed id is 400 even beside good ones', T, async () => {
    const a = await player('users');
    await refused(a.client.getUsers(a.session, [a.id, 'not-a-uuid']), 400, INVALID_ARGUMENT,
      "ID 'not-a-uuid' is not a valid system ID.", 'getUsers(malformed id)');
  });

  test('online is true only for a user with a socket that asked to appear online', T, async () => {
    const a = await player('users');
    const quiet = await player('users');
    const shown = await player('users');
    await request(await connect(quiet.client, quiet.session, { appearOnline: false }), { ping: {} });
    await request(await connect(shown.client, shown.session, { appearOnline: true }), { ping: {} });
    const result = await step(a.client.getUsers(a.session, [a.id, quiet.id, shown.id]), 'getUsers');
    const online = Object.fromEntries(result.users.map((u) => [u.id, u.online]));
    assert.deepEqual(online, { [a.id]: undefined, [quiet.id]: undefined, [shown.id]: true });
  });
});

describe('link', S, () => {
  test('a linked device authenticates to the same account; linking it again is fine; devices accumulate', T, async () => {
    const p = await player('link');
    const device = uniqueId('link-device2');
    assert.equal(await step(p.client.linkDevice(p.session, { id: device }), 'linkDevice'), true);
    await step(p.client.linkDevice(p.session, { id: device }), 'linkDevice(already mine)');
    const unicode = uniqueId('ümlaut-ü');
    await step(p.client.linkDevice(p.session, { id: unicode }), 'linkDevice(non-ASCII)');
    const same = await step(p.client.authenticateDevice(device, false), 'authenticateDevice(linked)');
    assert.equal(same.user_id, p.id);
    const account = await step(p.client.getAccount(p.session), 'getAccount');
    assert.deepEqual(account.devices.map((d) => d.id).sort(), [p.deviceId, device, unicode].sort());
  });

  test('device ids: taken by another account 409; 10-128 bytes; required; no spaces or control characters', T, async () => {
    const p = await player('link');
    const other = await player('link');
    await refused(p.client.linkDevice(p.session, { id: other.deviceId }), 409, ALREADY_EXISTS,
      'Device ID already in use.', 'linkDevice(another account\'s)');
    for (const id of ['x'.repeat(9), 'q'.repeat(129)]) {
      await refused(p.client.linkDevice(p.session, { id }), 400, INVALID_ARGUMENT,
        'Device ID invalid, must be 10-128 bytes.', `linkDevice(${id.length} bytes)`);
    }
    await refused(p.client.linkDevice(p.session, { id: '' }), 400, INVALID_ARGUMENT, 'Device ID is required.',
      'linkDevice("")');
    await refused(p.client.linkDevice(p.session, {}), 400, INVALID_ARGUMENT, 'Device ID is required.', 'linkDevice({})');
    for (const id of [uniqueId('has space'), uniqueId('tab\there')]) {
      await refused(p.client.linkDevice(p.session, { id }), 400, INVALID_ARGUMENT,
        'Device ID invalid, no spaces or control characters allowed.', `linkDevice(${JSON.stringify(id)})`);
    }
    const account = await step(p.client.getAccount(p.session), 'getAccount');
    assert.deepEqual(account.devices, [{ id: p.deviceId }], 'nothing linked');
  });

  test('a custom id links, authenticates to the account, and a second one replaces it', T, async () => {
    const p = await player('link');
    const first = uniqueId('link-custom');
    const second = uniqueId('link-custom2');
    await step(p.client.linkCustom(p.session, { id: first }), 'linkCustom');
    await step(p.client.linkCustom(p.session, { id: first }), 'linkCustom(already mine)');
    assert.equal((await step(p.client.authenticateCustom(first, false), 'authenticateCustom')).user_id, p.id);
    await step(p.client.linkCustom(p.session, { id: second }), 'linkCustom(second)');
    assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).custom_id, second);
    await refused(p.client.authenticateCustom(first, false), 404, NOT_FOUND, 'User account not found.',
      'authenticateCustom(replaced id)');
  });

  test('custom ids: taken 409; 6-128 bytes; required; no spaces', T, async () => {
    const p = await player('link');
    const other = await player('link');
    const taken = uniqueId('taken-custom');
    await step(other.client.linkCustom(other.session, { id: taken }), 'other links');
    await refused(p.client.linkCustom(p.session, { id: taken }), 409, ALREADY_EXISTS, 'Custom ID is already in use.',
      'linkCustom(another account\'s)');
    for (const id of ['abcde', 'c'.repeat(129)]) {
      await refused(p.client.linkCustom(p.session, { id }), 400, INVALID_ARGUMENT,
        'Invalid custom ID, must be 6-128 bytes.', `linkCustom(${id.length} bytes)`);
    }
    await refused(p.client.linkCustom(p.session, { id: '' }), 400, INVALID_ARGUMENT, 'Custom ID is required.',
      'linkCustom("")');
    await refused(p.client.linkCustom(p.session, { id: uniqueId('has space') }), 400, INVALID_ARGUMENT,
      'Invalid custom ID, no spaces or control characters allowed.', 'linkCustom(space)');
    assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).custom_id, undefined, 'nothing linked');
  });

  test('a 6-byte custom id links (a fixed id, freed again by deleting the account)', T, async () => {
    const p = await player('link');
    try {
      await step(p.client.linkCustom(p.session, { id: 'six6ch' }), 'linkCustom(6 bytes)');
      assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).custom_id, 'six6ch');
    } finally {
      await step(p.client.deleteAccount(p.session), 'deleteAccount');
    }
  });

  test('an email links lower-cased, authenticates with its password, and relinking replaces the password', T, async () => {
    const p = await player('link');
    const email = `${uniqueId('Mixed')}@Example.COM`;
    await step(p.client.linkEmail(p.session, { email, password: 'password1' }), 'linkEmail');
    assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).email, email.toLowerCase());
    const same = await step(p.client.authenticateEmail(email.toLowerCase(), 'password1', false), 'authenticateEmail');
    assert.equal(same.user_id, p.id);
    await refused(p.client.authenticateEmail(email, 'wrongpass1', false), 401, UNAUTHENTICATED, 'Invalid credentials.',
      'authenticateEmail(wrong password)');
    await step(p.client.linkEmail(p.session, { email, password: 'otherpass1' }), 'linkEmail(same email, new password)');
    await refused(p.client.authenticateEmail(email, 'password1', false), 401, UNAUTHENTICATED, 'Invalid credentials.',
      'authenticateEmail(old password)');
    assert.equal((await step(p.client.authenticateEmail(email, 'otherpass1', false), 'authenticateEmail(new)')).user_id, p.id);
  });

  test('emails: taken (any case) 409; format; 10-255 bytes; no spaces; password of 8 or more', T, async () => {
    const p = await player('link');
    const other = await player('link');
    const taken = `${uniqueId('taken')}@example.com`;
    await step(other.client.linkEmail(other.session, { email: taken, password: 'password1' }), 'other links');
    await refused(p.client.linkEmail(p.session, { email: taken, password: 'password1' }), 409, ALREADY_EXISTS,
      'Email is already in use.', 'linkEmail(taken)');
    await refused(p.client.linkEmail(p.session, { email: shout(taken), password: 'password1' }), 409,
      ALREADY_EXISTS, 'Email is already in use.', 'linkEmail(taken, upper case)');
    for (const email of ['notanemail', 'a@b']) {
      await refused(p.client.linkEmail(p.session, { email, password: 'password1' }), 400, INVALID_ARGUMENT,
        'Invalid email address format.', `linkEmail(${email})`);
    }
    for (const email of ['x@y.z', `${'e'.repeat(250)}@x.com`]) {
      await refused(p.client.linkEmail(p.session, { email, password: 'password1' }), 400, INVALID_ARGUMENT,
        'Invalid email address, must be 10-255 bytes.', `linkEmail(${email.length} bytes)`);
    }
    await refused(p.client.linkEmail(p.session, { email: 'a b@example.com', password: 'password1' }), 400,
      INVALID_ARGUMENT, 'Invalid email address, no spaces or control characters allowed.', 'linkEmail(space)');
    await refused(p.client.linkEmail(p.session, { email: '', password: 'password1' }), 400, INVALID_ARGUMENT,
      'Email address and password is required.', 'linkEmail(no email)');
    await refused(p.client.linkEmail(p.session, { email: `${uniqueId('m')}@example.com` }), 400, INVALID_ARGUMENT,
      'Email address and password is required.', 'linkEmail(no password)');
    await refused(p.client.linkEmail(p.session, { email: `${uniqueId('m')}@example.com`, password: '1234567' }), 400,
      INVALID_ARGUMENT, 'Password must be at least 8 characters long.', 'linkEmail(7-character password)');
    assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).email, undefined, 'nothing linked');
  });

  test('without a token: 401', T, async () => {
    const client = newClient();
    await refused(client.apiClient.linkDevice(undefined, { id: uniqueId('device') }), 401, UNAUTHENTICATED,
      'Auth token required', 'linkDevice(no token)');
  });
});

describe('unlink', S, () => {
  /** A device account that also has an email, a custom id and a second device. */
  async function linked() {
    const p = await player('unlink');
    p.email = `${uniqueId('unlink')}@example.com`;
    p.custom = uniqueId('unlink-custom');
    p.device2 = uniqueId('unlink-device2');
    await step(p.client.linkEmail(p.session, { email: p.email, password: 'password1' }), 'linkEmail');
    await step(p.client.linkCustom(p.session, { id: p.custom }), 'linkCustom');
    await step(p.client.linkDevice(p.session, { id: p.device2 }), 'linkDevice');
    return p;
  }

  test('unlinking each identifier: it no longer authenticates', T, async () => {
    const p = await linked();
    assert.equal(await step(p.client.unlinkDevice(p.session, { id: p.device2 }), 'unlinkDevice'), true);
    await refused(p.client.authenticateDevice(p.device2, false), 404, NOT_FOUND, 'User account not found.',
      'authenticateDevice(unlinked)');
    await step(p.client.unlinkCustom(p.session, { id: p.custom }), 'unlinkCustom');
    await refused(p.client.authenticateCustom(p.custom, false), 404, NOT_FOUND, 'User account not found.',
      'authenticateCustom(unlinked)');
    await step(p.client.unlinkEmail(p.session, { email: p.email, password: 'password1' }), 'unlinkEmail');
    await refused(p.client.authenticateEmail(p.email, 'password1', false), 404, NOT_FOUND, 'User account not found.',
      'authenticateEmail(unlinked)');
    const account = await step(p.client.getAccount(p.session), 'getAccount');
    assert.deepEqual(account.devices, [{ id: p.deviceId }]);
    assert.equal(account.email, undefined);
    assert.equal(account.custom_id, undefined);
  });

  test('the last identifier cannot be unlinked (device, email or custom id alone)', T, async () => {
    const p = await player('unlink');
    await refused(p.client.unlinkDevice(p.session, { id: p.deviceId }), 403, PERMISSION_DENIED, LAST_LINK,
      'unlinkDevice(last)');
    assert.deepEqual((await step(p.client.getAccount(p.session), 'getAccount')).devices, [{ id: p.deviceId }]);

    const client = newClient();
    const email = `${uniqueId('only')}@example.com`;
    const e = await step(client.authenticateEmail(email, 'password9', true), 'authenticateEmail');
    await refused(client.unlinkEmail(e, { email, password: 'password9' }), 403, PERMISSION_DENIED, LAST_LINK,
      'unlinkEmail(last)');
    const custom = uniqueId('only-custom');
    const c = await step(client.authenticateCustom(custom, true), 'authenticateCustom');
    await refused(client.unlinkCustom(c, { id: custom }), 403, PERMISSION_DENIED, LAST_LINK, 'unlinkCustom(last)');
    assert.equal((await step(client.authenticateCustom(custom, false), 'authenticateCustom')).user_id, c.user_id);
  });

  test('identifiers that are not mine (another account\'s, unknown, already unlinked) are 403 and change nothing', T, async () => {
    const p = await linked();
    const other = await linked();
    await refused(p.client.unlinkDevice(p.session, { id: other.deviceId }), 403, PERMISSION_DENIED, LAST_LINK,
      'unlinkDevice(another account\'s)');
    await refused(p.client.unlinkDevice(p.session, { id: uniqueId('nosuch-device') }), 403, PERMISSION_DENIED, LAST_LINK,
      'unlinkDevice(unknown)');
    await refused(p.client.unlinkDevice(p.session, { id: 'short' }), 403, PERMISSION_DENIED, LAST_LINK,
      'unlinkDevice(5 characters: no length check)');
    await refused(p.client.unlinkCustom(p.session, { id: other.custom }), 403, PERMISSION_DENIED, LAST_LINK,
      'unlinkCustom(another account\'s)');
    await refused(p.client.unlinkEmail(p.session, { email: other.email, password: 'password1' }), 403, PERMISSION_DENIED,
      LAST_LINK, 'unlinkEmail(another account\'s)');
    await step(p.client.unlinkCustom(p.session, { id: p.custom }), 'unlinkCustom');
    await refused(p.client.unlinkCustom(p.session, { id: p.custom }), 403, PERMISSION_DENIED, LAST_LINK,
      'unlinkCustom(already unlinked)');
    assert.equal((await step(other.client.authenticateDevice(other.deviceId, false), 'other device')).user_id, other.id);
    assert.equal((await step(other.client.authenticateCustom(other.custom, false), 'other custom')).user_id, other.id);
    assert.equal((await step(other.client.authenticateEmail(other.email, 'password1', false), 'other email')).user_id,
      other.id);
  });

  test('an empty device id is 400; an empty custom id or email unlinks whatever is linked', T, async () => {
    const p = await linked();
    await refused(p.client.unlinkDevice(p.session, { id: '' }), 400, INVALID_ARGUMENT, 'A device ID must be supplied.',
      'unlinkDevice("")');
    await step(p.client.unlinkCustom(p.session, { id: '' }), 'unlinkCustom("")');
    await step(p.client.unlinkEmail(p.session, {}), 'unlinkEmail({})');
    const account = await step(p.client.getAccount(p.session), 'getAccount');
    assert.equal(account.custom_id, undefined, 'custom id unlinked');
    assert.equal(account.email, undefined, 'email unlinked');
    assert.equal(account.devices.length, 2, 'devices untouched');
    // Nothing linked any more: still 200.
    await step(p.client.unlinkCustom(p.session, { id: '' }), 'unlinkCustom("") with none linked');
  });

  test('unlinking an email matches it in any case and does not check the password', T, async () => {
    const p = await linked();
    await step(p.client.unlinkEmail(p.session, { email: shout(p.email), password: 'wrongpass' }),
      'unlinkEmail(upper case, wrong password)');
    assert.equal((await step(p.client.getAccount(p.session), 'getAccount')).email, undefined);
    await refused(p.client.authenticateEmail(p.email, 'password1', false), 404, NOT_FOUND, 'User account not found.',
      'authenticateEmail(unlinked)');
  });
});
