// Foundation interop tests: authentication, sessions, account, socket connect and heartbeat,
// CORS, all through the official @heroiclabs/nakama-js client (see helpers.js for how the
// client behaves under Node).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, SERVER_KEY, STEP_TIMEOUT_MS, TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, sleep, expectHttpError, decodeJwtPayload,
  connect, isOpen, closeAllSockets, request, rawSocket, describeValue, Session, serverReady,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

// gRPC status codes carried in error bodies.
const UNAUTHENTICATED = 16;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

before(() => serverReady());
after(() => closeAllSockets());

describe('authentication', S, () => {
  test('authenticateDevice creates an account, then logs into the same one', T, async () => {
    const client = newClient();
    const deviceId = uniqueId('device');
    const first = await step(client.authenticateDevice(deviceId, true), 'authenticateDevice #1');
    assert.equal(first.created, true, 'first authentication creates the account');
    assert.match(first.user_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(first.token && first.refresh_token, 'token and refresh_token are returned');

    const second = await step(client.authenticateDevice(deviceId, true), 'authenticateDevice #2');
    assert.equal(second.created, false, 'second authentication does not create');
    assert.equal(second.user_id, first.user_id);
    assert.equal(second.username, first.username);
  });

  test('a username given at creation is used; without one the server generates one', T, async () => {
    const client = newClient();
    const username = uniqueId('user');
    const named = await step(client.authenticateDevice(uniqueId('device'), true, username), 'authenticateDevice');
    assert.equal(named.username, username);

    const unnamed = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    assert.equal(typeof unnamed.username, 'string');
    assert.ok(unnamed.username.length > 0, 'a username is generated');
  });

  test('authenticateDevice with create=false for an unknown device is refused with 404', T, async () => {
    const client = newClient();
    await expectHttpError(client.authenticateDevice(uniqueId('device'), false), 404, NOT_FOUND,
      'authenticateDevice(create=false)');
  });

  test('creating an account with a username already in use is refused with 409', T, async () => {
    const client = newClient();
    const username = uniqueId('taken');
    await step(client.authenticateDevice(uniqueId('device'), true, username), 'authenticateDevice');
    await expectHttpError(client.authenticateDevice(uniqueId('device'), true, username), 409, ALREADY_EXISTS,
      'authenticateDevice(duplicate username)');
  });

  test('authenticateCustom creates, then logs into the same account', T, async () => {
    const client = newClient();
    const customId = uniqueId('custom');
    const first = await step(client.authenticateCustom(customId, true), 'authenticateCustom #1');
    assert.equal(first.created, true);
    const second = await step(client.authenticateCustom(customId, true), 'authenticateCustom #2');
    assert.equal(second.created, false);
    assert.equal(second.user_id, first.user_id);

    const account = await step(client.getAccount(second), 'getAccount');
    assert.equal(account.user.id, first.user_id);
    assert.equal(account.custom_id, customId);
  });

  test('authenticateEmail creates, logs in, and rejects a wrong password with 401', T, async () => {
    const client = newClient();
    const email = `${uniqueId('mail')}@example.com`;
    const password = 'correct-horse-battery';
    const created = await step(client.authenticateEmail(email, password, true), 'authenticateEmail(create)');
    assert.equal(created.created, true);

    const login = await step(client.authenticateEmail(email, password, false), 'authenticateEmail(login)');
    assert.equal(login.created, false);
    assert.equal(login.user_id, created.user_id);

    await expectHttpError(client.authenticateEmail(email, 'wrong-password-123', false), 401, UNAUTHENTICATED,
      'authenticateEmail(wrong password)');

    const account = await step(client.getAccount(login), 'getAccount');
    assert.equal(account.user.id, created.user_id);
    assert.equal(account.email, email);
  });

  test('a wrong server key is refused with 401', T, async () => {
    const client = newClient({ serverKey: `${SERVER_KEY}-wrong` });
    await expectHttpError(client.authenticateDevice(uniqueId('device'), true), 401, UNAUTHENTICATED,
      'authenticateDevice(wrong server key)');
  });
});

describe('session tokens', S, () => {
  test('user_id, username and expiry decode from the token', T, async () => {
    const client = newClient();
    const username = uniqueId('claims');
    const before = Math.floor(Date.now() / 1000);
    const session = await step(client.authenticateDevice(uniqueId('device'), true, username), 'authenticateDevice');

    // What a strict decoder (base64url or base64, UTF-8) sees must agree with nakama-js.
    const claims = decodeJwtPayload(session.token);
    // Nakama's claims (api_authenticate.go): tid, uid, usn, exp, and vrs only when there are vars.
    assert.deepEqual(Object.keys(claims).sort(), ['exp', 'tid', 'uid', 'usn'], `token claims: ${JSON.stringify(claims)}`);
    assert.equal(session.user_id, claims.uid);
    assert.equal(session.username, username);
    assert.equal(claims.usn, username);
    assert.equal(typeof session.expires_at, 'number');
    assert.equal(session.expires_at, claims.exp);
    assert.ok(session.expires_at > before, 'token expires in the future');
    assert.ok(session.expires_at < before + 366 * 24 * 3600, 'expiry is a UNIX time in seconds');
    assert.equal(session.isexpired(Date.now() / 1000), false);
    assert.equal(typeof session.refresh_expires_at, 'number');
    assert.ok(session.refresh_expires_at >= session.expires_at, 'refresh token outlives the session token');

    const account = await step(client.getAccount(session), 'getAccount');
    assert.equal(account.user.id, session.user_id);
    assert.equal(account.user.username, username);
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "Session tokens" (Nakama's base64url of
  // raw UTF-8 makes nakama-js throw "Bad control character in string literal" here).
  test('a username with unicode and ">?~" decodes correctly in the client (plain base64 JWT)', T, async () => {
    const client = newClient();
    // "???" and "~~~" put "/" and "+" into the standard base64 of the payload (so "_" and "-"
    // in base64url) whatever their offset; the non-ASCII characters must survive atob.
    const username = `Zoë-Ωμέγα-名前-🎮>?~???~~~>>>-${uniqueId('u').slice(-8)}`;
    const deviceId = uniqueId('device');
    const session = await step(client.authenticateDevice(deviceId, true, username), 'authenticateDevice');
    assert.equal(session.username, username,
      'nakama-js decodes usn exactly (payload must be standard base64 of ASCII-only JSON, DESIGN §3)');
    assert.match(session.user_id, /^[0-9a-f-]{36}$/);

    const account = await step(client.getAccount(session), 'getAccount');
    assert.equal(account.user.username, username);
    assert.equal(account.user.id, session.user_id);

    // Logging in again yields a token that decodes the same way.
    const again = await step(client.authenticateDevice(deviceId, false), 'authenticateDevice(login)');
    assert.equal(again.username, username);
    assert.equal(again.user_id, session.user_id);
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "Session tokens" (nakama-js decodes
  // Nakama's non-ASCII vars as mojibake).
  test('vars given at authentication decode from the token', T, async () => {
    const client = newClient();
    const vars = { plain: 'value', tricky: 'ünï>?~???~~~🎮' };
    const session = await step(client.authenticateCustom(uniqueId('custom'), true, undefined, vars),
      'authenticateCustom(vars)');
    assert.deepEqual({ ...session.vars }, vars,
      'nakama-js decodes vrs exactly (payload must be standard base64 of ASCII-only JSON, DESIGN §3)');
  });

  test('sessionRefresh returns a new pair for the same session id, with the vars of the request', T, async () => {
    const client = newClient();
    const session = await step(client.authenticateCustom(uniqueId('custom'), true, undefined, { a: 'b' }),
      'authenticateCustom(vars)');
    const { token: oldToken, refresh_token: oldRefresh, expires_at: oldExpiry, user_id: userId } = session;
    const oldClaims = decodeJwtPayload(oldToken);

    // Nakama keeps the token id (api_session.go reuses tokenId) and signs a new session token AND a
    // new refresh token with the request's vars, or the refresh token's vars when it names none.
    // Within one second and without new vars both tokens can be the very same strings, so the
    // new pair is made visible by new vars.
    const same = await step(client.sessionRefresh(session), 'sessionRefresh');
    assert.equal(same.user_id, userId);
    assert.deepEqual({ ...same.vars }, { a: 'b' }, 'no vars in the request: the refresh token\'s are kept');
    assert.equal(decodeJwtPayload(same.token).tid, oldClaims.tid, 'the token id is kept');

    const refreshed = await step(client.sessionRefresh(session, { c: 'd' }), 'sessionRefresh(vars)');
    assert.notEqual(refreshed.token, oldToken, 'a new session token is issued');
    assert.notEqual(refreshed.refresh_token, oldRefresh, 'a new refresh token is issued');
    assert.equal(refreshed.user_id, userId);
    assert.equal(refreshed.username, session.username);
    assert.deepEqual({ ...refreshed.vars }, { c: 'd' });
    assert.deepEqual(decodeJwtPayload(refreshed.refresh_token).vrs, { c: 'd' }, 'the refresh token carries the new vars');
    for (const token of [refreshed.token, refreshed.refresh_token]) {
      assert.equal(decodeJwtPayload(token).tid, oldClaims.tid, 'the token id is kept');
    }
    assert.ok(refreshed.expires_at >= oldExpiry);

    const account = await step(client.getAccount(refreshed), 'getAccount(refreshed)');
    assert.equal(account.user.id, userId);
  });

  test('with autoRefreshSession the client refreshes a soon-expiring token by itself', T, async () => {
    const client = newClient({ autoRefresh: true });
    const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    const tid = decodeJwtPayload(session.token).tid;
    // Nakama's refresh within the same second can answer the very token it was given (same tid,
    // same exp), so the refresh is seen on the wire: the client's own call and what it received.
    const refreshes = [];
    const apiRefresh = client.apiClient.sessionRefresh.bind(client.apiClient);
    client.apiClient.sessionRefresh = async (...args) => {
      const answer = await apiRefresh(...args);
      refreshes.push(answer);
      return answer;
    };
    // Treat the token as "about to expire" whatever the server's configured lifetime.
    client.expiredTimespanMs = (session.expires_at - Date.now() / 1000 + 3600) * 1000;
    const account = await step(client.getAccount(session), 'getAccount(auto refresh)');
    assert.equal(account.user.id, session.user_id);
    assert.equal(refreshes.length, 1, 'the client refreshed before the call');
    assert.equal(session.token, refreshes[0].token, 'the session was refreshed in place');
    assert.equal(session.refresh_token, refreshes[0].refresh_token);
    assert.equal(decodeJwtPayload(session.token).tid, tid);
    assert.equal(session.user_id, account.user.id);
  });

  test('after sessionLogout the old token and refresh token are refused (401)', T, async () => {
    const client = newClient();
    const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    await step(client.getAccount(session), 'getAccount(before logout)');
    const { token, refresh_token: refreshToken } = session;

    const ok = await step(client.sessionLogout(session, token, refreshToken), 'sessionLogout');
    assert.equal(ok, true);

    await expectHttpError(client.getAccount(session), 401, UNAUTHENTICATED, 'getAccount(after logout)');
    await expectHttpError(client.sessionRefresh(session), 401, UNAUTHENTICATED, 'sessionRefresh(after logout)');
  });

  test('sessionLogout naming only the session token keeps the refresh token; its token id stays revoked', T, async () => {
    const client = newClient();
    const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    const { token, refresh_token: refreshToken } = session;
    const tid = decodeJwtPayload(token).tid;

    // Nakama removes exactly the tokens named (core_session.go SessionLogout): the refresh token
    // stays valid. Revocation is by token id, and a refresh keeps the token id (api_session.go),
    // so the session tokens it issues are refused too (session_cache.go IsValidSession).
    assert.equal(await step(client.sessionLogout(session, token, undefined), 'sessionLogout(token only)'), true);
    await expectHttpError(client.getAccount(session), 401, UNAUTHENTICATED, 'getAccount(after logout)');
    const refreshed = await step(client.sessionRefresh(session, { after: 'logout' }), 'sessionRefresh(after logout)');
    assert.equal(refreshed.user_id, session.user_id);
    assert.notEqual(refreshed.token, token, 'a new session token (new vars)');
    assert.deepEqual({ ...refreshed.vars }, { after: 'logout' });
    assert.equal(decodeJwtPayload(refreshed.token).tid, tid);
    assert.equal(decodeJwtPayload(refreshed.refresh_token).tid, decodeJwtPayload(refreshToken).tid);
    await expectHttpError(client.getAccount(refreshed), 401, UNAUTHENTICATED, 'getAccount(refreshed, revoked token id)');
    await step(client.sessionRefresh(refreshed), 'sessionRefresh again: the refresh token is still valid');
  });

  test('a malformed bearer token is refused with 401', T, async () => {
    const client = newClient();
    const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    const parts = session.token.split('.');
    // Same header and payload, wrong signature.
    const forged = Session.restore(`${parts[0]}.${parts[1]}.${parts[2].split('').reverse().join('')}X`,
      session.refresh_token);
    await expectHttpError(client.getAccount(forged), 401, UNAUTHENTICATED, 'getAccount(forged token)');
  });
});

describe('account', S, () => {
  test('getAccount returns the user, its username and its device', T, async () => {
    const client = newClient();
    const deviceId = uniqueId('device');
    const username = uniqueId('acct');
    const session = await step(client.authenticateDevice(deviceId, true, username), 'authenticateDevice');
    const account = await step(client.getAccount(session), 'getAccount');
    assert.equal(account.user.id, session.user_id);
    assert.equal(account.user.username, username);
    assert.ok(Array.isArray(account.devices), `devices is a list: ${JSON.stringify(account)}`);
    assert.ok(account.devices.some((d) => d.id === deviceId), 'devices contains the device id');
  });
});

describe('realtime socket', S, () => {
  for (const format of ['json', 'protobuf']) {
    test(`connects (${format}) and answers ping with pong carrying the cid`, T, async () => {
      const client = newClient();
      const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
      const socket = await connect(client, session, { format });
      assert.equal(isOpen(socket), true);

      const message = { ping: {} };
      const reply = await request(socket, message, 'ping');
      assert.ok(reply.pong !== undefined && reply.pong !== null, `reply is a pong: ${describeValue(reply)}`);
      assert.equal(reply.cid, message.cid, 'the cid of the request is echoed');
      assert.ok(!reply.error, 'no error');
      socket.disconnect(false);
    });

    test(`keeps the client's heartbeat alive (${format})`, T, async () => {
      const client = newClient();
      const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
      // The client pings on open and then every heartbeatMs, and gives up (closing the socket)
      // if a pong takes longer than heartbeatMs.
      const socket = await connect(client, session, { format, heartbeatMs: 1_000 });
      await sleep(3_500);
      assert.equal(socket.heartbeatTimeouts, 0, 'every heartbeat ping was answered in time');
      assert.equal(socket.disconnects, 0, 'the server did not close the socket');
      assert.equal(isOpen(socket), true);
      socket.disconnect(false);
    });

    test(`refuses a connection with an invalid token (${format})`, T, async () => {
      const client = newClient();
      const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
      const parts = session.token.split('.');
      const bad = Session.restore(`${parts[0]}.${parts[1]}.invalidsignature`, session.refresh_token);
      let connected = null;
      try {
        connected = await connect(client, bad, { format });
      } catch (err) {
        assert.match(describeValue(err), /401/, `refused before the upgrade with 401: ${describeValue(err)}`);
      }
      if (connected) {
        connected.disconnect(false);
        assert.fail('the socket connected with an invalid token');
      }
    });
  }

  test('connects with appearOnline (status=true)', T, async () => {
    const client = newClient();
    const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    const socket = await connect(client, session, { format: 'json', appearOnline: true });
    const reply = await request(socket, { ping: {} }, 'ping');
    assert.ok(reply.pong !== undefined);
    socket.disconnect(false);
  });

  test('JSON sockets answer in text frames (format=json, raw ws)', T, async () => {
    const client = newClient();
    const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    const raw = await rawSocket({ lang: 'en', status: 'false', token: session.token, format: 'json' });
    try {
      raw.ws.send(JSON.stringify({ cid: '42', ping: {} }));
      const frame = await raw.next();
      assert.equal(frame.isBinary, false, 'a text frame');
      assert.deepEqual(JSON.parse(frame.data.toString('utf8')), { cid: '42', pong: {} });
    } finally {
      raw.close();
    }
  });

  test('a field of the wrong JSON type closes the socket (raw ws)', T, async () => {
    const client = newClient();
    const session = await step(client.authenticateDevice(uniqueId('device'), true), 'authenticateDevice');
    const raw = await rawSocket({ lang: 'en', status: 'false', token: session.token, format: 'json' });
    const frames = [];
    raw.ws.on('message', (data) => frames.push(JSON.parse(data.toString('utf8'))));
    const closed = new Promise((resolve) => raw.ws.once('close', (code) => resolve(code)));
    try {
      // target must be a string: Nakama's protojson refuses the number and ends the session
      // (session_ws.go), it never reads it as "1".
      raw.ws.send(JSON.stringify({ cid: '1', channel_join: { target: 1, type: 1 } }));
      await step(closed, 'the server closes the socket');
    } finally {
      raw.close();
    }
    // Nakama closes without a word; Gantry says why first (docs/COMPATIBILITY.md, "Sockets closed
    // for a bad frame"): an Error envelope is the only thing allowed before the close.
    for (const frame of frames) {
      assert.ok(frame.error && !frame.channel, `only an error may come before the close: ${JSON.stringify(frame)}`);
    }
  });

  test('a raw upgrade with a bad token gets HTTP 401', T, async () => {
    await assert.rejects(
      rawSocket({ lang: 'en', status: 'false', token: 'not-a-jwt' }),
      (err) => err.statusCode === 401 || /401/.test(err.message),
    );
  });
});

/** Every answer carries a Date header in the IMF-fixdate form (Go's net/http in Nakama), close to now. */
function assertHttpDate(res) {
  const date = res.headers.get('date');
  assert.match(date ?? '', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/,
    `Date header: ${date}`);
  assert.ok(Math.abs(Date.parse(date) - Date.now()) < 60_000, `Date header is now: ${date}`);
}

describe('browsers', S, () => {
  function preflight() {
    return step(fetch(`${BASE_URL}/v2/account/authenticate/device?create=true&`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    }), 'OPTIONS preflight');
  }

  test('REST answers a CORS preflight allowing any origin, Authorization and Content-Type', T, async () => {
    const res = await preflight();
    assert.ok(res.status >= 200 && res.status < 300, `preflight status ${res.status}`);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const allowHeaders = (res.headers.get('access-control-allow-headers') || '').toLowerCase()
      .split(',').map((h) => h.trim());
    assert.ok(allowHeaders.includes('authorization'), `Authorization allowed: ${allowHeaders}`);
    assert.ok(allowHeaders.includes('content-type'), `Content-Type allowed: ${allowHeaders}`);
    assertHttpDate(res);
    await res.arrayBuffer();
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "CORS preflight" (Nakama sends no
  // Access-Control-Allow-Methods for a simple method such as POST; browsers accept both).
  test('the CORS preflight lists the allowed methods', T, async () => {
    const res = await preflight();
    const allowMethods = (res.headers.get('access-control-allow-methods') || '').toUpperCase()
      .split(',').map((m) => m.trim());
    assert.ok(allowMethods.includes('POST') || allowMethods.includes('*'), `POST allowed: ${allowMethods}`);
    await res.arrayBuffer();
  });

  test('REST answers carry Access-Control-Allow-Origin for a cross-origin request', T, async () => {
    const res = await step(fetch(`${BASE_URL}/v2/account/authenticate/device?create=true&`, {
      method: 'POST',
      headers: {
        Origin: 'http://example.com',
        Authorization: `Basic ${Buffer.from(`${SERVER_KEY}:`).toString('base64')}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify({ id: uniqueId('device') }),
    }), 'cross-origin POST');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assertHttpDate(res);
    const body = await res.json();
    assert.ok(body.token, 'a session token is returned');
  });
});
