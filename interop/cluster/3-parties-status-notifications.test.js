// Parties, status and notifications across the nodes of a cluster: a party lives on the node in
// its id and members on other nodes act on it; a follower on one node sees the status of a user
// on another; a notification reaches a user's socket on whichever node it is.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, closeAllSockets } from '../tests/helpers.js';
import { clusterReady, player, step } from './cluster-helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const text = (data) => (typeof data === 'string' ? data : new TextDecoder().decode(data));

before(() => clusterReady());
after(() => closeAllSockets());

test('a party on node1 with members on node2 and node3: join, data, promote, leave, close', T, async () => {
  const [leader, b, c] = await Promise.all([player(0), player(1), player(2)]);
  const party = await step(leader.socket.createParty(false, 4), 'create on node1');
  assert.ok(party.party_id.endsWith('.node1'), 'the id names its node');

  // a closed party: b asks from node2, the leader accepts
  await step(b.socket.joinParty(party.party_id), 'b asks to join from node2');
  const requests = await step(leader.socket.listPartyJoinRequests(party.party_id), 'join requests');
  assert.deepEqual(requests.presences.map((p) => p.user_id), [b.userId]);
  await step(leader.socket.acceptPartyMember(party.party_id, requests.presences[0]), 'accept b');
  const seen = await b.parties.next(undefined, 'onparty for b');
  assert.equal(seen.party_id, party.party_id);
  await leader.partyPresences.nextMatching((e) => e.joins?.some((p) => p.user_id === b.userId), undefined, 'leader told of b');

  // a second request and acceptance, from node3
  await step(c.socket.joinParty(party.party_id), 'c asks from node3');
  const second = await step(leader.socket.listPartyJoinRequests(party.party_id), 'join requests');
  await step(leader.socket.acceptPartyMember(party.party_id, second.presences[0]), 'accept c');
  await c.parties.next(undefined, 'onparty for c');
  await b.partyPresences.nextMatching((e) => e.joins?.some((p) => p.user_id === c.userId), undefined, 'b told of c');

  await step(c.socket.sendPartyData(party.party_id, 3, 'hello from node3'), 'c sends');
  for (const who of [leader, b]) {
    const data = await who.partyData.nextMatching((d) => d.op_code === 3, undefined, 'party data');
    assert.equal(text(data.data), 'hello from node3');
    assert.equal(data.presence.user_id, c.userId);
  }

  const bPresence = seen.presences.find((p) => p.user_id === b.userId);
  await step(leader.socket.promotePartyMember(party.party_id, bPresence), 'promote b');
  const leaderEvent = await c.partyLeader.next(undefined, 'onpartyleader on node3');
  assert.equal(leaderEvent.presence.user_id, b.userId);

  await step(c.socket.leaveParty(party.party_id), 'c leaves from node3');
  await b.partyPresences.nextMatching((e) => e.leaves?.some((p) => p.user_id === c.userId), undefined, 'b told c left');

  await step(b.socket.closeParty(party.party_id), 'b, now leader, closes from node2');
  await leader.partyClosed.next(undefined, 'onpartyclose on node1');
});

test('status: a follower on node1 sees a user on node2 come online, change status and go', T, async () => {
  const watcher = await player(0);
  const client = (await import('./cluster-helpers.js')).nodeClient(1);
  const session = await step(client.authenticateDevice(`status-${Date.now()}-${Math.random()}`, true), 'auth on node2');
  await step(watcher.socket.followUsers([session.user_id]), 'follow');
  const { connect } = await import('../tests/helpers.js');
  const socket = await connect(client, session, { appearOnline: true });
  const online = await watcher.statusPresences.nextMatching((e) => e.joins?.some((p) => p.user_id === session.user_id),
    undefined, 'online on node2');
  assert.ok(online);
  await step(socket.updateStatus('playing'), 'status update on node2');
  const changed = await watcher.statusPresences.nextMatching(
    (e) => e.joins?.some((p) => p.user_id === session.user_id && p.status === 'playing'), undefined, 'new status');
  assert.ok(changed);
  socket.disconnect(false);
  await watcher.statusPresences.nextMatching((e) => e.leaves?.some((p) => p.user_id === session.user_id),
    undefined, 'offline');
});

test('a friend request made on node1 notifies the user on node3', T, async () => {
  const [a, b] = await Promise.all([player(0), player(2)]);
  await step(a.client.addFriends(a.session, [b.userId]), 'add friend on node1');
  const note = await b.notifications.next(undefined, 'notification on node3');
  assert.equal(note.code, -2, 'a friend request');
  assert.equal(note.sender_id, a.userId);
});

test('a logout on node1 is honoured by node2 and node3', T, async () => {
  const { nodeClient } = await import('./cluster-helpers.js');
  const { sleep } = await import('../tests/helpers.js');
  const first = nodeClient(0);
  const session = await step(first.authenticateDevice(`logout-${Date.now()}-${Math.random()}`, true), 'auth on node1');
  for (const i of [1, 2]) {
    const account = await step(nodeClient(i).getAccount(session), `account on node${i + 1}`);
    assert.equal(account.user.id, session.user_id);
  }
  await step(first.sessionLogout(session, session.token, session.refresh_token), 'logout on node1');
  for (const i of [1, 2]) {
    let status = 200;
    for (let tries = 0; tries < 50 && status === 200; tries++) {
      status = await nodeClient(i).getAccount(session).then(() => 200, (res) => res.status);
      if (status === 200) await sleep(50);
    }
    assert.equal(status, 401, `node${i + 1} refuses the logged-out token`);
  }
});

test('a leaderboard created on node1 ranks the records written on node2 and node3, read from any node', T, async () => {
  const { serverRpc, uniqueId } = await import('../tests/helpers.js');
  const id = uniqueId('cluster-lb');
  await step(serverRpc('leaderboard_create', {
    id, authoritative: false, sort_order: 'desc', operator: 'best', reset_schedule: '', metadata: {},
  }), 'leaderboard_create on node1');
  const [a, b, reader] = await Promise.all([player(1), player(2), player(0)]);
  // node2 has not been told of the board yet, or has: it finds it either way
  await step(a.client.writeLeaderboardRecord(a.session, id, { score: 10 }), 'a writes on node2');
  await step(b.client.writeLeaderboardRecord(b.session, id, { score: 30 }), 'b writes on node3');
  await step(reader.client.writeLeaderboardRecord(reader.session, id, { score: 20 }), 'reader writes on node1');
  const { sleep } = await import('../tests/helpers.js');
  for (const who of [reader, a, b]) {
    let ranked = [];
    for (let tries = 0; tries < 50; tries++) {
      const page = await step(who.client.listLeaderboardRecords(who.session, id, undefined, 10), `list on node${who.node + 1}`);
      ranked = (page.records || []).map((r) => [r.owner_id, Number(r.rank)]);
      if (ranked.length === 3) break;
      await sleep(50);
    }
    assert.deepEqual(ranked, [[b.userId, 1], [reader.userId, 2], [a.userId, 3]],
      `node${who.node + 1} ranks every node's records`);
  }
});
