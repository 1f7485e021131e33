// Differential probes: requests whose answers the interop tests cannot show against the reference
// because an earlier assertion stops them there (or that no test makes). Nothing is asserted: each
// probe makes its requests, whatever the answers, and the differential run compares what each
// server said. Run by `npm run differential` only (not part of `npm test`).
//
// Each probe names the rule it looks at; docs/COMPATIBILITY.md says what the reference did.

import { describe, test, before, after } from 'node:test';
import { randomUUID } from 'node:crypto';
import {
  BASE_URL, STEP_TIMEOUT_MS, TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, connect, closeAllSockets, eventQueue, request, rawSocket, serverReady, sleep,
} from '../../tests/helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };

before(() => serverReady());
after(() => closeAllSockets());

/** Awaits a request and never throws: {ok, value} or {ok: false, error}. */
async function attempt(promise, label) {
  try {
    return { ok: true, value: await withTimeout(promise, STEP_TIMEOUT_MS, label) };
  } catch (error) {
    return { ok: false, error };
  }
}

async function user(format = 'json', { appearOnline = false, username } = {}) {
  const client = newClient();
  const session = await withTimeout(client.authenticateDevice(uniqueId('probe-device'), true, username), STEP_TIMEOUT_MS,
    'authenticateDevice');
  const socket = await connect(client, session, { format, appearOnline });
  // queues so that every event is consumed (the recorder sees them all anyway)
  for (const h of ['onchannelmessage', 'onchannelpresence', 'onnotification', 'onmatchdata', 'onmatchpresence',
    'onparty', 'onpartypresence', 'onpartyleader', 'onpartyclose', 'onpartydata', 'onpartyjoinrequest',
    'onstatuspresence', 'onmatchmakermatched', 'onerror']) {
    eventQueue(socket, h);
  }
  return { client, session, socket, id: session.user_id, username: session.username };
}

/** Sends raw text frames on a fresh raw socket and collects what comes back for `waitMs`. */
async function raw(token, frames, { waitMs = 700, format = 'json' } = {}) {
  const r = await rawSocket({ token, format });
  const got = [];
  try {
    for (const f of frames) r.ws.send(f);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try { got.push(await r.next(left)); } catch { break; }
    }
  } finally {
    r.close();
  }
  return got;
}

describe('chat probes', S, () => {
  test('direct message to yourself, to an unknown user, to a malformed target', T, async () => {
    const a = await user();
    await attempt(a.socket.joinChat(a.id, 2, true, false), 'DM self');
    await attempt(a.socket.joinChat(randomUUID(), 2, true, false), 'DM unknown');
    await attempt(a.socket.joinChat('bob', 2, true, false), 'DM malformed');
  });

  test('leaving a channel one is not in; joining the same room twice', T, async () => {
    const a = await user();
    const b = await user();
    const room = uniqueId('room');
    await attempt(a.socket.leaveChat(`2...${room}`), 'leave not joined');
    await attempt(a.socket.joinChat(room, 1, true, false), 'join');
    await attempt(b.socket.joinChat(room, 1, true, false), 'join b');
    await sleep(200);
    await attempt(a.socket.joinChat(room, 1, true, false), 're-join');
    await sleep(200);
  });

  test('room names: 64 and 65 characters, empty', T, async () => {
    const a = await user();
    await attempt(a.socket.joinChat('r'.repeat(64), 1, false, false), '64');
    await attempt(a.socket.joinChat('r'.repeat(65), 1, false, false), '65');
    await attempt(a.socket.joinChat('', 1, false, false), 'empty');
  });

  test('update or remove another user\'s message, and an unknown message', T, async () => {
    const a = await user();
    const b = await user();
    const room = uniqueId('room');
    const ch = await attempt(a.socket.joinChat(room, 1, true, false), 'join a');
    await attempt(b.socket.joinChat(room, 1, true, false), 'join b');
    const ack = await attempt(a.socket.writeChatMessage(ch.value.id, { x: 1 }), 'write');
    await attempt(b.socket.updateChatMessage(ch.value.id, ack.value.message_id, { x: 2 }), 'update by b');
    await attempt(b.socket.removeChatMessage(ch.value.id, ack.value.message_id), 'remove by b');
    await attempt(a.socket.updateChatMessage(ch.value.id, randomUUID(), { x: 3 }), 'update unknown');
    await attempt(a.socket.removeChatMessage(ch.value.id, randomUUID()), 'remove unknown');
    await sleep(200);
  });

  test('client_message_id (Gantry extension, field 100) sent twice on a raw JSON socket', T, async () => {
    const a = await user();
    const room = uniqueId('room');
    const id = randomUUID();
    const send = (cid) => JSON.stringify({ cid, channel_message_send: { channel_id: `2...${room}`, content: '{"n":1}',
      client_message_id: id } });
    await raw(a.session.token, [JSON.stringify({ cid: 'j', channel_join: { target: room, type: 1 } }), send('s1'), send('s2')]);
  });

  test('direct message history read by a third user', T, async () => {
    const a = await user();
    const b = await user();
    const c = await user();
    const ch = await attempt(a.socket.joinChat(b.id, 2, true, false), 'DM');
    await attempt(a.socket.writeChatMessage(ch.value.id, { hi: 1 }), 'write');
    await attempt(c.client.listChannelMessages(c.session, ch.value.id, 10, true), 'third reads');
    await attempt(b.client.listChannelMessages(b.session, ch.value.id, 10, true), 'b reads (never joined)');
  });

  test('history order of messages sent within one second', T, async () => {
    const a = await user();
    const ch = await attempt(a.socket.joinChat(uniqueId('room'), 1, true, false), 'join');
    for (let i = 0; i < 6; i++) await attempt(a.socket.writeChatMessage(ch.value.id, { i }), `write ${i}`);
    await attempt(a.client.listChannelMessages(a.session, ch.value.id, 10, true), 'forward');
    await attempt(a.client.listChannelMessages(a.session, ch.value.id, 10, false), 'backward');
  });
});

describe('match probes', S, () => {
  test('match data to a match the sender is not in, negative op code, unknown match', T, async () => {
    const a = await user();
    const b = await user();
    const m = await attempt(a.socket.createMatch(), 'create');
    await attempt(b.socket.sendMatchState(m.value.match_id, 1, 'not a member'), 'data from non-member');
    await sleep(300);
    await attempt(b.socket.joinMatch(m.value.match_id), 'join');
    await attempt(b.socket.sendMatchState(m.value.match_id, -1, 'negative'), 'negative op code');
    await sleep(300);
    await attempt(b.socket.sendMatchState(`${randomUUID()}.`, 1, 'unknown match'), 'data to unknown match');
    await attempt(b.socket.joinMatch(`${randomUUID()}.`), 'join unknown');
    await attempt(b.socket.joinMatch('not-a-match'), 'join malformed');
    await sleep(300);
  });

  test('joining a relayed match twice; a named match created by a second user', T, async () => {
    const a = await user();
    const b = await user();
    const m = await attempt(a.socket.createMatch(), 'create');
    await attempt(b.socket.joinMatch(m.value.match_id), 'join');
    await sleep(200);
    await attempt(b.socket.joinMatch(m.value.match_id), 're-join');
    await sleep(200);
    const name = uniqueId('named');
    await attempt(a.socket.createMatch(name), 'create named');
    await sleep(200);
    await attempt(b.socket.createMatch(name), 'create named again');
    await sleep(200);
  });

  // (listings of every relayed match are left out: they show other tests' matches, in any order)
  test('listing matches with an empty label, with a query and an empty label', T, async () => {
    const a = await user();
    await attempt(a.socket.createMatch(), 'create');
    await attempt(a.client.rpc(a.session, 'tictactoe_create', {}), 'create authoritative');
    await sleep(1500);
    await attempt(a.client.listMatches(a.session, 10, false, ''), 'relayed, label empty');
    await attempt(a.client.listMatches(a.session, 10, undefined, undefined, 0, 10, '*'), 'query *, no authoritative flag');
    await attempt(a.client.listMatches(a.session, 1, true, '', undefined, undefined, '+label.game:tictactoe'),
      'authoritative, label empty, query');
    await attempt(a.client.listMatches(a.session, 1, undefined, '', undefined, undefined, '+label.game:tictactoe'),
      'label empty, query');
  });

  test('an authoritative match end to end without listing it: join, full, moves, leave', T, async () => {
    const a = await user();
    const b = await user('protobuf');
    const c = await user();
    const rpc = await attempt(a.client.rpc(a.session, 'tictactoe_create', {}), 'create');
    const id = rpc.value.payload.match_id;
    await attempt(a.socket.joinMatch(id), 'join a');
    await sleep(300);
    await attempt(b.socket.joinMatch(id, undefined, { seat: 'O' }), 'join b');
    await sleep(300);
    await attempt(c.socket.joinMatch(id), 'join c (full)');
    await attempt(b.socket.sendMatchState(id, 1, JSON.stringify({ cell: 4 })), 'out of turn');
    await sleep(400);
    await attempt(a.socket.sendMatchState(id, 1, JSON.stringify({ cell: 4 })), 'move');
    await sleep(400);
    await attempt(c.socket.sendMatchState(id, 1, JSON.stringify({ cell: 0 })), 'move by a non-member');
    await sleep(400);
    await attempt(a.socket.joinMatch(id), 're-join a');
    await sleep(400);
    await attempt(b.socket.leaveMatch(id), 'leave b (forfeit)');
    await sleep(400);
    await attempt(c.socket.joinMatch(id), 'join c (game over)');
    await attempt(a.socket.leaveMatch(id), 'leave a');
    await sleep(600);
    await attempt(c.socket.joinMatch(id), 'join c (ended)');
  });

  test('listing authoritative matches by JSON label: booleans as true and as T', T, async () => {
    const a = await user();
    const rpc = await attempt(a.client.rpc(a.session, 'tictactoe_create', {}), 'create');
    await sleep(1500);
    for (const query of ['+label.game:tictactoe', '+label.open:true', '+label.open:T', 'label.open:T label.game:tictactoe',
      '+label.game:tic*', '+label.open:>0']) {
      await attempt(a.client.listMatches(a.session, 100, true, undefined, undefined, undefined, query), query);
    }
    await attempt(a.client.listMatches(a.session, 100, true, '{"open":true,"game":"tictactoe"}'), 'exact label');
    await attempt(a.client.listMatches(a.session, 100, true, undefined, undefined, undefined, '+label.open:'), 'bad query');
    if (rpc.ok) await attempt(a.socket.joinMatch(rpc.value.payload.match_id), 'join');
    await sleep(300);
  });

  test('RPC: unknown id, empty body, http_key', T, async () => {
    const a = await user();
    await attempt(a.client.rpc(a.session, 'no_such_rpc', {}), 'unknown rpc');
    await attempt(fetch(`${BASE_URL}/v2/rpc/tictactoe_create?http_key=defaulthttpkey`, { method: 'POST', body: '"{}"' }),
      'http_key');
    await attempt(fetch(`${BASE_URL}/v2/rpc/tictactoe_create?http_key=wrong`, { method: 'POST', body: '"{}"' }),
      'wrong http_key');
    await attempt(a.socket.rpc('tictactoe_create', '{}'), 'socket rpc');
    await attempt(a.socket.rpc('no_such_rpc', '{}'), 'socket unknown rpc');
  });
});

describe('status probes', S, () => {
  test('follow an unknown id, a malformed id, an unknown username, yourself', T, async () => {
    const a = await user('json', { appearOnline: true });
    const fan = await user('json', { appearOnline: true });
    await attempt(fan.socket.followUsers([randomUUID()]), 'unknown id');
    await attempt(fan.socket.followUsers(['not-a-uuid']), 'malformed id');
    await attempt(request(fan.socket, { status_follow: { usernames: [uniqueId('nobody')] } }), 'unknown username');
    await attempt(fan.socket.followUsers([fan.id]), 'self');
    await attempt(fan.socket.followUsers([a.id, randomUUID()]), 'known and unknown');
    await attempt(a.socket.updateStatus('seen?'), 'update');
    await sleep(300);
    await attempt(fan.socket.unfollowUsers([randomUUID()]), 'unfollow unknown');
    await attempt(fan.socket.unfollowUsers(['not-a-uuid']), 'unfollow malformed');
  });

  test('status update without appearing online; follow a user who is online twice', T, async () => {
    const a = await user('json');
    const fan = await user('json');
    await attempt(a.socket.updateStatus('hello'), 'update while not online');
    await attempt(fan.socket.followUsers([a.id]), 'follow');
    await attempt(fan.socket.followUsers([a.id]), 'follow again');
    await sleep(300);
  });
});

describe('party probes', S, () => {
  test('max sizes 0 and 257; malformed and unknown party ids', T, async () => {
    const a = await user();
    await attempt(a.socket.createParty(true, 0), 'max 0');
    await attempt(a.socket.createParty(true, 257), 'max 257');
    await attempt(a.socket.joinParty('not-a-party'), 'malformed');
    await attempt(a.socket.joinParty(`${randomUUID()}.gantry`), 'unknown');
    await sleep(200);
  });

  test('promote or accept a non-member; matchmaking by a member; unknown ticket; data from a non-member', T, async () => {
    const a = await user();
    const b = await user();
    const c = await user();
    const p = await attempt(a.socket.createParty(true, 3), 'create');
    const id = p.value.party_id;
    await attempt(b.socket.joinParty(id), 'join');
    await sleep(200);
    await attempt(a.socket.promotePartyMember(id, { user_id: c.id, session_id: randomUUID(), username: c.username }),
      'promote non-member');
    await attempt(a.socket.acceptPartyMember(id, { user_id: c.id, session_id: randomUUID(), username: c.username }),
      'accept not asking');
    await attempt(b.socket.addMatchmakerParty(id, '*', 2, 2), 'matchmaking by member');
    await attempt(a.socket.removeMatchmakerParty(id, 'no-such-ticket'), 'unknown ticket');
    await attempt(c.socket.sendPartyData(id, 1, 'not a member'), 'data from non-member');
    await attempt(a.socket.closeParty(`${randomUUID()}.gantry`), 'close unknown');
    await sleep(300);
  });
});

describe('matchmaker probes', S, () => {
  test('counts and queries the reference refuses or accepts', T, async () => {
    const a = await user();
    await attempt(a.socket.addMatchmaker('*', 1, 2), 'min 1');
    await attempt(a.socket.addMatchmaker('*', 3, 2), 'max < min');
    await attempt(request(a.socket, { matchmaker_add: { query: '*', min_count: 2, max_count: 4, count_multiple: 3 } }),
      'count multiple 3');
    await attempt(a.socket.addMatchmaker('+properties.region:', 2, 2), 'bad query');
    await attempt(a.socket.addMatchmaker('*', 2, 2), 'third ticket');
    await attempt(a.socket.addMatchmaker('*', 2, 2), 'fourth ticket');
    await attempt(a.socket.removeMatchmaker('no-such-ticket'), 'remove unknown');
    await attempt(a.socket.removeMatchmaker(randomUUID()), 'remove unknown uuid');
  });
});

describe('session probes', S, () => {
  test('logout naming only the session token, then the refresh token still works?', T, async () => {
    const client = newClient();
    const s = await attempt(client.authenticateDevice(uniqueId('probe-device'), true), 'auth');
    const session = s.value;
    const { token, refresh_token: refreshToken } = session;
    await attempt(client.sessionLogout(session, token, undefined), 'logout token only');
    await attempt(client.getAccount(session), 'account after');
    session.token = token;
    session.refresh_token = refreshToken;
    await attempt(client.sessionRefresh(session), 'refresh after');
  });

  test('logout naming no token at all ends every session of the user?', T, async () => {
    const client = newClient();
    const deviceId = uniqueId('probe-device');
    const first = (await attempt(client.authenticateDevice(deviceId, true), 'auth 1')).value;
    const second = (await attempt(client.authenticateDevice(deviceId, false), 'auth 2')).value;
    await attempt(fetch(`${BASE_URL}/v2/session/logout`, { method: 'POST', headers: { Authorization: `Bearer ${first.token}` },
      body: '{}' }), 'logout {}');
    await attempt(client.getAccount(first), 'first after');
    await attempt(client.getAccount(second), 'second after');
    await attempt(client.sessionRefresh(second), 'refresh second after');
  });

  test('refresh twice in one second; an account with vars and a long username', T, async () => {
    const client = newClient();
    const s = (await attempt(client.authenticateCustom(uniqueId('probe-custom'), true, undefined, { a: 'b' }), 'auth')).value;
    await attempt(client.sessionRefresh(s), 'refresh 1');
    await attempt(client.sessionRefresh(s, { c: 'd' }), 'refresh with vars');
    await attempt(client.authenticateDevice(uniqueId('probe-device'), true, 'u'.repeat(128)), 'username 128');
    await attempt(client.authenticateDevice(uniqueId('probe-device'), true, 'u'.repeat(129)), 'username 129');
    await attempt(client.authenticateDevice('short', true), 'device id too short');
    await attempt(client.authenticateEmail('not-an-email', 'password123', true), 'bad email');
    await attempt(client.authenticateEmail(`${uniqueId('m')}@example.com`, 'short', true), 'short password');
  });
});

describe('socket probes', S, () => {
  test('frames that are not valid client envelopes (each on its own raw socket)', T, async () => {
    const a = await user();
    for (const frame of ['not json', '{}', '{"cid":"1"}', '{"cid":"2","no_such_message":{}}', '{"cid":"3","ping":{}} trailing',
      '{"cid":"4","channel_join":{"target":1}}', '{"cid":"5","pong":{}}', '{"cid":"6","channel_message":{}}']) {
      await raw(a.session.token, [frame], { waitMs: 500 });
    }
  });

  test('a binary frame on a JSON socket', T, async () => {
    const a = await user();
    const r = await rawSocket({ token: a.session.token, format: 'json' });
    const got = [];
    try {
      r.ws.send(Buffer.from([0x0a, 0x01, 0x31, 0x8a, 0x02, 0x00]));
      for (;;) { try { got.push(await r.next(500)); } catch { break; } }
    } finally {
      r.close();
    }
  });
});
