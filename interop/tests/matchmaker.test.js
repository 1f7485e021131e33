// Matchmaker interop: with the official client, two users in region eu and two in us add
// tickets with `+properties.region:…` queries, are matched pairwise (each gets its own ticket,
// `self`, the users with their properties and a token), and each pair joins one relayed match
// with its token. The server under test runs a one-second matchmaker interval.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, connect, closeAllSockets, eventQueue, serverReady,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

before(() => serverReady());
after(() => closeAllSockets());

async function player(region, tag) {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('mm-device'), true), 'authenticateDevice');
  const socket = await connect(client, session);
  const matched = eventQueue(socket, 'onmatchmakermatched');
  const ticket = await step(socket.addMatchmaker(`+properties.region:${region}${tag}`, 2, 2,
    { region: region + tag }, { rank: 10 }), 'addMatchmaker');
  return { session, socket, matched, ticket: ticket.ticket, region: region + tag };
}

describe('matchmaker', S, () => {
  test('two eu and two us players are matched pairwise and join one match each by token', T, async () => {
    const tag = uniqueId('r').replace(/[^A-Za-z0-9]/g, '');
    const players = [];
    for (const region of ['eu', 'us', 'eu', 'us']) {
      players.push(await player(region, tag));
    }
    const results = [];
    for (const p of players) {
      results.push(await p.matched.next(STEP_TIMEOUT_MS, 'onmatchmakermatched'));
    }
    results.forEach((result, i) => {
      const p = players[i];
      assert.equal(result.ticket, p.ticket, 'each player gets its own ticket');
      assert.ok(result.token, 'a token for a relayed match');
      assert.equal(result.match_id, undefined);
      assert.equal(result.users.length, 2);
      assert.equal(result.self.presence.user_id, p.session.user_id);
      for (const user of result.users) {
        assert.equal(user.string_properties.region, p.region, 'a pair never mixes regions');
        assert.equal(user.numeric_properties.rank, 10);
      }
    });
    assert.equal(results[0].token, results[2].token);
    assert.equal(results[1].token, results[3].token);
    assert.notEqual(results[0].token, results[1].token);

    const eu1 = await step(players[0].socket.joinMatch(undefined, results[0].token), 'joinMatch(token)');
    const eu2 = await step(players[2].socket.joinMatch(undefined, results[2].token), 'joinMatch(token)');
    assert.equal(eu1.match_id, eu2.match_id, 'one match per pair');
    const us1 = await step(players[1].socket.joinMatch(undefined, results[1].token), 'joinMatch(token)');
    assert.notEqual(us1.match_id, eu1.match_id);
  });

  test('a ticket can be withdrawn; a minimum count under 2 is refused', T, async () => {
    const p = await player('nowhere', uniqueId('x').replace(/[^A-Za-z0-9]/g, ''));
    await step(p.socket.removeMatchmaker(p.ticket), 'removeMatchmaker');
    await assert.rejects(step(p.socket.removeMatchmaker(p.ticket), 'removeMatchmaker(again)'),
      (err) => err.code === 3, 'a withdrawn ticket is not found');
    await assert.rejects(step(p.socket.addMatchmaker('*', 1, 2, {}, {}), 'addMatchmaker(min 1)'),
      (err) => err.code === 3);
    const again = await step(p.socket.addMatchmaker('*', 2, 2, {}, {}), 'addMatchmaker(after)');
    assert.ok(again.ticket && again.ticket !== p.ticket, 'a new ticket');
    await step(p.socket.removeMatchmaker(again.ticket), 'removeMatchmaker(new ticket)');
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "A matchmaker query that does not
  // parse" (Nakama: code 0 RUNTIME_EXCEPTION "Error adding to matchmaker").
  test('a bad query is refused with where it is wrong', T, async () => {
    const p = await player('nowhere', uniqueId('x').replace(/[^A-Za-z0-9]/g, ''));
    await assert.rejects(step(p.socket.addMatchmaker('+properties.region:', 2, 2, {}, {}), 'addMatchmaker(bad)'),
      (err) => err.code === 3 && /position/.test(err.message));
  });
});
