// Group interop tests (REST) through the official @heroiclabs/nakama-js client. The assertions are
// the reference Nakama 3.18.0's answers, recorded in interop/differential/reference-facts/social.md,
// sections "groups: ..." (issue 14); the group chat side is in groupchat.test.js.
//
// What nakama-js 2.8.0 does here (dist/nakama-js.esm.mjs):
// * createGroup(session, {name, description, lang_tag, avatar_url, open, max_count}) POSTs the
//   object as JSON and resolves with the group: edge_count and max_count turned into Numbers (0
//   when absent), metadata JSON.parse'd, absent fields undefined.
// * updateGroup(session, id, fields) PUTs the object as JSON; joinGroup, leaveGroup, deleteGroup,
//   addGroupUsers, kickGroupUsers, banGroupUsers, demoteGroupUsers resolve with `true`;
//   promoteGroupUsers resolves with the raw answer ({}). The user ids go as repeated `user_ids`
//   QUERY parameters.
// * listGroups(session, name, cursor, limit) sends only those three: the language, `open` and
//   `members` filters exist only on the generated `client.apiClient.listGroups(token, name, cursor,
//   limit, langTag, members, open)`, which tests here use (it resolves with the JSON as it came).
//   The wrapper resolves with {groups: []} (no cursor key) when the answer has no groups.
// * listGroupUsers(session, id, state, limit, cursor) sends state and limit correctly and maps
//   each entry to {user, state} (state a Number, 0 when absent).
// * listUserGroups(session, userId, state, limit, cursor) passes them to the generated
//   `listUserGroups(token, userId, limit, state, cursor)` in the wrong order: the client's `state`
//   argument is sent as `limit` and its `limit` as `state`. The tests pass the arguments the way
//   the client really sends them and say so (listUserGroupsAs below).
// * Non-2xx answers reject with the fetch Response (status, and the JSON body {code, message}).
// * onnotification gets one call per notification with `content` JSON.parse'd.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, serverReady, expectHttpError, connect, eventQueue, request, closeAllSockets,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const LONG = { timeout: 120_000 };
const S = { timeout: SUITE_TIMEOUT_MS * 2 };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const INTERNAL = 13;
const UNKNOWN_ID = '11111111-2222-3333-4444-555555555555';
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const BAD_GROUP_ID = 'Group ID must be a valid ID.';
const NOT_ALLOWED_UPDATE = "Group not found or you're not allowed to update.";
const NOT_ALLOWED_DELETE = "Group not found or you're not allowed to delete.";
const PERMISSION_DENIED = 'Group not found or permission denied.';
const BAD_LIMIT = 'Invalid limit - limit must be between 1 and 100.';
const BAD_STATE = 'Invalid state - state must be between 0 and 4.';
const FULL = 'Group is full.';

before(() => serverReady());
after(() => closeAllSockets());

/** A fresh device user; with {socket: true} also a connected socket (status=true) and its queues. */
async function player({ socket = false } = {}) {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('groups-device'), true), 'authenticateDevice');
  const p = { client, session, id: session.user_id, username: session.username };
  if (socket) {
    p.socket = await connect(client, session, { appearOnline: true });
    p.notes = eventQueue(p.socket, 'onnotification');
  }
  return p;
}

/** A short random tag: group names are `<prefix>-<tag>` so a run sees only its own groups. */
const newTag = () => randomBytes(4).toString('hex');

/** Refused with exactly this HTTP status, gRPC code and message. */
async function refused(promise, status, code, message, label) {
  const body = await expectHttpError(promise, status, code, label);
  assert.equal(body.message, message, `${label}: message`);
  return body;
}

const create = (p, fields, label = `createGroup ${fields.name}`) => step(p.client.createGroup(p.session, fields), label);

/** "userId=state" of every edge of the group (banned users, 4, only come with state=4). */
async function groupStates(p, groupId) {
  const all = await step(p.client.listGroupUsers(p.session, groupId, undefined, 100), 'listGroupUsers');
  const banned = await step(p.client.listGroupUsers(p.session, groupId, 4, 100), 'listGroupUsers state 4');
  const states = new Map();
  for (const gu of [...all.group_users, ...banned.group_users]) states.set(gu.user.id, gu.state);
  return states;
}

/** The group as its creator's user-group list shows it (or undefined). */
async function groupOf(p, groupId) {
  const list = await step(p.client.listUserGroups(p.session, p.id), 'listUserGroups');
  return list.user_groups.find((ug) => ug.group.id === groupId);
}

/** listUserGroups with the query parameters it really sends (see the header: state and limit swap). */
function listUserGroupsAs(p, userId, { state, limit, cursor } = {}) {
  return step(p.client.listUserGroups(p.session, userId, limit, state, cursor), 'listUserGroups');
}

/** The generated client's listGroups with every filter: resolves with the JSON answer as it came. */
function listGroupsRaw(p, { name, cursor, limit, lang, members, open } = {}) {
  return step(p.client.apiClient.listGroups(p.session.token, name, cursor, limit, lang, members, open), 'listGroups');
}

/** A ping whose pong proves every earlier message to that socket has arrived. */
const ping = (p) => request(p.socket, { ping: {} });

describe('groups', S, () => {
  test('createGroup: every field, the defaults, the creator as superadmin', T, async () => {
    const o = await player({ socket: true });
    const tag = newTag();
    const lang = `l-${tag}`;
    const full = await create(o, {
      name: `G-${tag}`, description: 'desc', lang_tag: lang, avatar_url: 'http://x/g.png', open: true, max_count: 5,
    });
    assert.match(full.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(full.creator_id, o.id);
    assert.equal(full.name, `G-${tag}`);
    assert.equal(full.description, 'desc');
    assert.equal(full.lang_tag, lang);
    assert.equal(full.avatar_url, 'http://x/g.png');
    assert.equal(full.open, true);
    assert.equal(full.edge_count, 1);
    assert.equal(full.max_count, 5);
    assert.deepEqual(full.metadata, {});
    assert.match(full.create_time, WHOLE_SECONDS);
    assert.match(full.update_time, WHOLE_SECONDS);

    const min = await create(o, { name: `min-${tag}` });
    assert.equal(min.lang_tag, 'en');
    assert.equal(min.max_count, 100);
    assert.equal(min.open, false, '"open": false is in the answer');
    assert.equal(min.edge_count, 1);
    assert.deepEqual(min.metadata, {});
    assert.equal(min.description, undefined, 'an empty description is omitted');
    assert.equal(min.avatar_url, undefined, 'an empty avatar_url is omitted');

    assert.equal((await create(o, { name: `mc0-${tag}`, max_count: 0 })).max_count, 100, 'max_count 0 is the default');
    assert.equal((await create(o, { name: `mc1-${tag}`, max_count: 1 })).max_count, 1);
    assert.equal((await create(o, { name: `mcbig-${tag}`, max_count: 100000 })).max_count, 100000);
    assert.equal((await create(o, { name: `le-${tag}`, lang_tag: '' })).lang_tag, 'en', 'lang_tag "" is the default');
    // metadata (and unknown fields) in the body are ignored
    assert.deepEqual((await create(o, { name: `md-${tag}`, metadata: '{"a":1}', foo: 1 })).metadata, {});
    // spaces and % are kept as given
    assert.equal((await create(o, { name: ` sp %-${tag} ` })).name, ` sp %-${tag} `);
    // the name is unique case-sensitively: another case is another name
    const m = await player();
    const other = await create(m, { name: `g-${tag}` });
    assert.equal(other.creator_id, m.id);
    const long = `R-${tag}-`.padEnd(255, 'n');
    assert.equal((await create(o, { name: long })).name, long, 'a 255-character name');

    const mine = await step(o.client.listUserGroups(o.session, o.id), 'listUserGroups');
    assert.equal(mine.user_groups.length, 9);
    assert.ok(mine.user_groups.every((ug) => ug.state === 0 && ug.group.creator_id === o.id), 'the creator is superadmin');
    const listed = mine.user_groups.find((ug) => ug.group.id === full.id).group;
    assert.equal(listed.description, 'desc');
    assert.equal(listed.max_count, 5);
    const users = await step(o.client.listGroupUsers(o.session, full.id), 'listGroupUsers');
    assert.deepEqual(users.group_users.map((gu) => [gu.user.id, gu.state]), [[o.id, 0]]);
    assert.equal(users.group_users[0].user.online, true);
    // groups are not edges of the user: the account's edge_count stays 0
    const account = await step(o.client.getAccount(o.session), 'getAccount');
    assert.equal(account.user.edge_count ?? 0, 0);
    await ping(o);
    assert.equal(o.notes.items.length, 0, 'creating sends nothing to the creator');
  });

  test('createGroup refusals', T, async () => {
    const o = await player();
    const tag = newTag();
    await create(o, { name: `G-${tag}` });
    await refused(o.client.createGroup(o.session, { name: `G-${tag}` }), 409, ALREADY_EXISTS, 'Group name is in use.', 'same name');
    const m = await player();
    await refused(m.client.createGroup(m.session, { name: `G-${tag}` }), 409, ALREADY_EXISTS, 'Group name is in use.',
      'same name, another user');
    await refused(o.client.createGroup(o.session, { description: 'x' }), 400, INVALID_ARGUMENT, 'Group name must be set.', 'no name');
    await refused(o.client.createGroup(o.session, { name: '' }), 400, INVALID_ARGUMENT, 'Group name must be set.', 'empty name');
    await refused(o.client.createGroup(o.session, { name: `mcn-${tag}`, max_count: -1 }), 400, INVALID_ARGUMENT,
      'Group max count must be >= 1 when set.', 'max_count -1');
    // The reference's database column limits (name 255, lang_tag 18 characters) answer 500.
    await refused(o.client.createGroup(o.session, { name: `R-${tag}-`.padEnd(256, 'n') }), 500, INTERNAL,
      'Error while trying to create group.', 'name 256 characters');
    await refused(o.client.createGroup(o.session, { name: `l19-${tag}`, lang_tag: 'x'.repeat(19) }), 500, INTERNAL,
      'Error while trying to create group.', 'lang_tag 19 characters');
    const noToken = newClient();
    await expectHttpError(noToken.apiClient.createGroup('', { name: `nt-${tag}` }), 401, 16, 'no token');
    const mine = await step(o.client.listUserGroups(o.session, o.id), 'listUserGroups');
    assert.deepEqual(mine.user_groups.map((ug) => ug.group.name), [`G-${tag}`], 'nothing else was created');
  });

  test('updateGroup: each field, who may, and the refusals', T, async () => {
    const [o, m, ad, x] = [await player(), await player(), await player(), await player()];
    const tag = newTag();
    const g = await create(o, { name: `G-${tag}`, description: 'desc', lang_tag: `l-${tag}`, avatar_url: 'http://x/g.png', open: true });
    const g2 = await create(o, { name: `min-${tag}`, description: 'd2' });
    await step(o.client.addGroupUsers(o.session, g.id, [m.id, ad.id]), 'add m, ad');
    await step(o.client.promoteGroupUsers(o.session, g.id, [ad.id]), 'promote ad');

    await refused(x.client.updateGroup(x.session, g.id, { description: 'hack' }), 404, NOT_FOUND, NOT_ALLOWED_UPDATE, 'outsider');
    await refused(m.client.updateGroup(m.session, g.id, { description: 'hack' }), 404, NOT_FOUND, NOT_ALLOWED_UPDATE, 'member');
    await refused(o.client.updateGroup(o.session, UNKNOWN_ID, { description: 'x' }), 404, NOT_FOUND, NOT_ALLOWED_UPDATE, 'unknown');
    await refused(o.client.updateGroup(o.session, 'nope', { description: 'x' }), 400, INVALID_ARGUMENT, BAD_GROUP_ID, 'malformed');
    await refused(o.client.updateGroup(o.session, g.id, {}), 400, INVALID_ARGUMENT, 'Specify at least one field to update.', '{}');
    await refused(o.client.updateGroup(o.session, g.id, { max_count: 9 }), 400, INVALID_ARGUMENT,
      'Specify at least one field to update.', 'max_count is not updatable');
    await refused(o.client.updateGroup(o.session, g.id, { metadata: '{"a":1}' }), 400, INVALID_ARGUMENT,
      'Specify at least one field to update.', 'metadata is not updatable');
    await refused(o.client.updateGroup(o.session, g.id, { name: '' }), 400, INVALID_ARGUMENT, 'Group name cannot be empty.', 'name ""');
    await refused(o.client.updateGroup(o.session, g.id, { lang_tag: '' }), 400, INVALID_ARGUMENT,
      'Group language cannot be empty.', 'lang_tag ""');
    // renaming to a taken name is 400 here (409 on create)
    await refused(o.client.updateGroup(o.session, g.id, { name: `min-${tag}` }), 400, INVALID_ARGUMENT, 'Group name is in use.',
      'taken name');
    let seen = (await groupOf(o, g.id)).group;
    assert.equal(seen.name, `G-${tag}`);
    assert.equal(seen.description, 'desc', 'no refusal changed anything');

    assert.equal(await step(o.client.updateGroup(o.session, g.id, { description: 'desc', open: true }), 'same values'), true);
    await step(o.client.updateGroup(o.session, g.id, { description: 'desc2' }), 'description');
    await step(o.client.updateGroup(o.session, g.id, { avatar_url: 'http://x/h.png' }), 'avatar_url');
    await step(o.client.updateGroup(o.session, g.id, { lang_tag: `m-${tag}` }), 'lang_tag');
    await step(o.client.updateGroup(o.session, g.id, { open: false }), 'open false');
    await step(o.client.updateGroup(o.session, g.id, { name: `G2-${tag}` }), 'name');
    seen = (await groupOf(o, g.id)).group;
    assert.equal(seen.name, `G2-${tag}`);
    assert.equal(seen.description, 'desc2');
    assert.equal(seen.avatar_url, 'http://x/h.png');
    assert.equal(seen.lang_tag, `m-${tag}`);
    assert.equal(seen.open, false);
    assert.equal(seen.max_count, 100);
    assert.equal(seen.edge_count, 3);
    // an admin may update; the old name is free again
    assert.equal(await step(ad.client.updateGroup(ad.session, g.id, { name: `G-${tag}`, open: true }), 'admin update'), true);
    seen = (await groupOf(o, g.id)).group;
    assert.equal(seen.name, `G-${tag}`);
    assert.equal(seen.open, true);
    // description "" clears it
    await step(o.client.updateGroup(o.session, g2.id, { description: '' }), 'description ""');
    assert.equal((await groupOf(o, g2.id)).group.description, undefined);
  });

  test('joinGroup: open at once (member), closed as a request that notifies superadmins and admins', T, async () => {
    const o = await player({ socket: true });
    const ad = await player({ socket: true });
    const m = await player({ socket: true });
    const x = await player({ socket: true });
    const tag = newTag();
    const open = await create(o, { name: `open-${tag}`, open: true });
    const closed = await create(o, { name: `closed-${tag}` });
    await step(o.client.addGroupUsers(o.session, closed.id, [ad.id]), 'add ad');
    await step(o.client.promoteGroupUsers(o.session, closed.id, [ad.id]), 'promote ad');
    const addedAd = await ad.notes.next(STEP_TIMEOUT_MS, 'ad added');
    assert.equal(addedAd.code, -4);

    // open: member at once, no notification to anyone
    assert.equal(await step(m.client.joinGroup(m.session, open.id), 'join open'), true);
    assert.deepEqual([...(await groupStates(o, open.id))], [[o.id, 0], [m.id, 2]]);
    assert.equal((await groupOf(o, open.id)).group.edge_count, 2);
    assert.equal(await step(m.client.joinGroup(m.session, open.id), 'join again'), true);
    assert.equal(await step(o.client.joinGroup(o.session, open.id), 'the superadmin joins its own group'), true);
    assert.deepEqual([...(await groupStates(o, open.id))], [[o.id, 0], [m.id, 2]], 'repeated joins change nothing');

    // closed: a join request (3), edge_count unchanged, -5 to the superadmin and the admin
    assert.equal(await step(x.client.joinGroup(x.session, closed.id), 'join closed'), true);
    for (const admin of [o, ad]) {
      const note = await admin.notes.next(STEP_TIMEOUT_MS, 'join request notification');
      assert.equal(note.code, -5);
      assert.equal(note.subject, `User ${x.username} wants to join your group`);
      assert.deepEqual(note.content, { group_id: closed.id, username: x.username });
      assert.equal(note.sender_id, x.id);
      assert.equal(note.persistent, true);
      assert.ok(note.id);
      const stored = await step(admin.client.listNotifications(admin.session, 10), 'listNotifications');
      const same = stored.notifications.find((n) => n.id === note.id);
      assert.ok(same, 'the notification is stored');
      assert.equal(same.code, -5);
      assert.deepEqual(same.content, { group_id: closed.id, username: x.username });
    }
    assert.equal(await step(x.client.joinGroup(x.session, closed.id), 'request again'), true);
    const states = await groupStates(o, closed.id);
    assert.equal(states.get(x.id), 3);
    assert.equal((await groupOf(o, closed.id)).group.edge_count, 2, 'a join request is not counted');
    const xGroups = await step(x.client.listUserGroups(x.session, x.id), 'x listUserGroups');
    assert.deepEqual(xGroups.user_groups.map((ug) => [ug.group.id, ug.state]), [[closed.id, 3]]);
    // a join requester may list the group's users
    const seenByX = await step(x.client.listGroupUsers(x.session, closed.id), 'x listGroupUsers');
    assert.deepEqual(seenByX.group_users.map((gu) => gu.state), [0, 1, 3]);

    // the superadmin accepts with add: x becomes a member and gets -4
    assert.equal(await step(o.client.addGroupUsers(o.session, closed.id, [x.id]), 'accept'), true);
    const added = await x.notes.next(STEP_TIMEOUT_MS, 'added notification');
    assert.equal(added.code, -4);
    assert.equal(added.subject, `You've been added to group closed-${tag}`);
    assert.deepEqual(added.content, { group_id: closed.id, name: `closed-${tag}` });
    assert.equal(added.sender_id, o.id);
    assert.equal(added.persistent, true);
    const xStored = await step(x.client.listNotifications(x.session, 10), 'x listNotifications');
    assert.deepEqual(xStored.notifications.map((n) => [n.id, n.code]), [[added.id, -4]]);
    assert.deepEqual(xStored.notifications[0].content, { group_id: closed.id, name: `closed-${tag}` });
    assert.equal((await groupStates(o, closed.id)).get(x.id), 2);
    assert.equal((await groupOf(o, closed.id)).group.edge_count, 3);
    // adding a member again sends nothing
    assert.equal(await step(o.client.addGroupUsers(o.session, closed.id, [x.id]), 'add again'), true);
    for (const p of [o, ad, m, x]) await ping(p);
    for (const p of [o, ad, m, x]) assert.equal(p.notes.items.length, 0, `${p.username}: nothing else arrived`);
  });

  test('add, leave and full groups: the rules and the refusals', T, async () => {
    const o = await player();
    const [m, x, y, z] = [await player(), await player(), await player(), await player()];
    const tag = newTag();
    const g = await create(o, { name: `g-${tag}` });
    // add: a non-member straight into a closed group
    assert.equal(await step(o.client.addGroupUsers(o.session, g.id, [y.id]), 'add y'), true);
    assert.equal((await groupStates(o, g.id)).get(y.id), 2);
    await refused(o.client.addGroupUsers(o.session, g.id, [UNKNOWN_ID]), 400, INVALID_ARGUMENT, 'One or more users not found.',
      'add unknown user');
    await refused(o.client.addGroupUsers(o.session, g.id, ['nope']), 400, INVALID_ARGUMENT, 'User ID must be a valid ID.',
      'add malformed user');
    assert.equal(await step(o.client.addGroupUsers(o.session, g.id, []), 'add nobody'), true);
    await refused(o.client.addGroupUsers(o.session, UNKNOWN_ID, [z.id]), 404, NOT_FOUND, PERMISSION_DENIED, 'add to unknown group');
    await refused(o.client.addGroupUsers(o.session, 'nope', [z.id]), 400, INVALID_ARGUMENT, BAD_GROUP_ID, 'add to malformed group');
    await refused(y.client.addGroupUsers(y.session, g.id, [z.id]), 404, NOT_FOUND, PERMISSION_DENIED, 'a member adds');
    assert.deepEqual([...(await groupStates(o, g.id))], [[o.id, 0], [y.id, 2]], 'no refusal added anyone');

    await refused(x.client.joinGroup(x.session, UNKNOWN_ID), 404, NOT_FOUND, 'Group not found.', 'join unknown');
    await refused(x.client.joinGroup(x.session, 'nope'), 400, INVALID_ARGUMENT, BAD_GROUP_ID, 'join malformed');

    // leave
    assert.equal(await step(x.client.leaveGroup(x.session, UNKNOWN_ID), 'leave unknown'), true);
    assert.equal(await step(z.client.leaveGroup(z.session, g.id), 'leave a group one is not in'), true);
    await refused(o.client.leaveGroup(o.session, g.id), 400, INVALID_ARGUMENT,
      'Cannot leave group when you are the last superadmin.', 'last superadmin');
    assert.equal(await step(y.client.leaveGroup(y.session, g.id), 'y leaves'), true);
    assert.deepEqual([...(await groupStates(o, g.id))], [[o.id, 0]]);
    assert.equal((await groupOf(o, g.id)).group.edge_count, 1);
    // the last-superadmin rule is per group: with a second superadmin the creator may leave
    await step(o.client.addGroupUsers(o.session, g.id, [m.id]), 'add m');
    await step(o.client.promoteGroupUsers(o.session, g.id, [m.id]), 'promote m to admin');
    await step(o.client.promoteGroupUsers(o.session, g.id, [m.id]), 'promote m to superadmin');
    assert.equal(await step(o.client.leaveGroup(o.session, g.id), 'o leaves'), true);
    await refused(m.client.leaveGroup(m.session, g.id), 400, INVALID_ARGUMENT,
      'Cannot leave group when you are the last superadmin.', 'm is now the last superadmin');
    assert.deepEqual([...(await groupStates(m, g.id))], [[m.id, 0]]);

    // full: edge_count >= max_count refuses open joins, join requests and adds
    const gf = await create(o, { name: `full-${tag}`, open: true, max_count: 2 });
    await step(m.client.joinGroup(m.session, gf.id), 'm joins (2/2)');
    await refused(x.client.joinGroup(x.session, gf.id), 400, INVALID_ARGUMENT, FULL, 'join full');
    await refused(o.client.addGroupUsers(o.session, gf.id, [y.id]), 400, INVALID_ARGUMENT, FULL, 'add to full');
    await step(o.client.updateGroup(o.session, gf.id, { open: false }), 'close it');
    await refused(x.client.joinGroup(x.session, gf.id), 400, INVALID_ARGUMENT, FULL, 'request to join full closed');
    assert.deepEqual([...(await groupStates(o, gf.id))], [[o.id, 0], [m.id, 2]]);
    assert.equal((await groupOf(o, gf.id)).group.edge_count, 2);
  });

  test('deleteGroup: only a superadmin; afterwards the group is gone for everyone', T, async () => {
    const o = await player();
    const m = await player({ socket: true });
    const ad = await player();
    const z = await player();
    const tag = newTag();
    const g = await create(o, { name: `del-${tag}`, open: true });
    await step(m.client.joinGroup(m.session, g.id), 'm joins');
    await step(o.client.addGroupUsers(o.session, g.id, [ad.id]), 'add ad');
    await step(o.client.promoteGroupUsers(o.session, g.id, [ad.id]), 'promote ad');
    await ping(m);
    const before = m.notes.items.length;
    await refused(m.client.deleteGroup(m.session, g.id), 400, INVALID_ARGUMENT, NOT_ALLOWED_DELETE, 'member deletes');
    await refused(ad.client.deleteGroup(ad.session, g.id), 400, INVALID_ARGUMENT, NOT_ALLOWED_DELETE, 'admin deletes');
    await refused(z.client.deleteGroup(z.session, g.id), 400, INVALID_ARGUMENT, NOT_ALLOWED_DELETE, 'outsider deletes');
    await refused(o.client.deleteGroup(o.session, UNKNOWN_ID), 400, INVALID_ARGUMENT, NOT_ALLOWED_DELETE, 'unknown group');
    await refused(o.client.deleteGroup(o.session, 'nope'), 400, INVALID_ARGUMENT, BAD_GROUP_ID, 'malformed group');
    assert.equal((await groupStates(o, g.id)).size, 3, 'still there');

    assert.equal(await step(o.client.deleteGroup(o.session, g.id), 'deleteGroup'), true);
    await ping(m);
    assert.equal(m.notes.items.length, before, 'deleting notifies nobody');
    const users = await step(o.client.listGroupUsers(o.session, g.id), 'listGroupUsers after delete');
    assert.deepEqual(users.group_users, []);
    const mGroups = await step(m.client.listUserGroups(m.session, m.id), 'm listUserGroups');
    assert.deepEqual(mGroups.user_groups, []);
    await refused(o.client.deleteGroup(o.session, g.id), 400, INVALID_ARGUMENT, NOT_ALLOWED_DELETE, 'delete again');
    await refused(z.client.joinGroup(z.session, g.id), 404, NOT_FOUND, 'Group not found.', 'join a deleted group');
    const byName = await step(o.client.listGroups(o.session, `del-${tag}`), 'listGroups by name');
    assert.deepEqual(byName.groups, []);
  });

  // Who may kick, promote, demote and ban whom. The reference facts probed each (caller, target)
  // on a fresh group; here each (action, caller) gets one fresh group and acts on the seven
  // targets one call each (a target's result depends only on the caller's role and the target's
  // own state), then reads every state back. Targets: S2 superadmin (0), A2 admin (1), M2 member
  // (2), J2 join request (3), Bn banned (4), O outsider (-, no edge), and the caller itself.
  // A row is the targets' states afterwards; `refused` means 404 "Group not found or permission
  // denied." for every call, and nothing changes.
  const TARGETS = ['S2', 'A2', 'M2', 'J2', 'Bn', 'O', 'self'];
  const MATRIX = {
    kick: {
      S: '- - - - - - 0', // a superadmin removes anyone but itself; kicking a banned user lifts the ban
      A: '0 1 - - - - 1', // an admin removes members, requests and bans only
    },
    promote: {
      S: '0 0 1 3 4 - 0', // 1→0, 2→1; a request stays a request (add accepts it)
      A: '0 1 1 3 4 - 1', // an admin makes admins only
    },
    demote: {
      S: '1 2 2 3 4 - 0', // 0→1, 1→2; a member stays a member
      A: '0 2 2 3 4 - 1', // an admin demotes another admin, not a superadmin
    },
    ban: {
      S: '4 4 4 4 4 - 0', // no row is made for an outsider
      A: '0 1 4 4 4 - 1',
    },
  };
  const REFUSED_CALLERS = ['M', 'J', 'Bn', 'O'];

  /** Ten users and a setup that gives them their roles in a fresh closed group. */
  async function cast() {
    const names = ['S', 'S2', 'A', 'A2', 'M', 'M2', 'J', 'J2', 'Bn', 'O'];
    const users = {};
    for (const n of names) users[n] = await player();
    return users;
  }

  async function roleGroup(u, tag, label) {
    const S = u.S;
    const g = await create(S, { name: `${label}-${tag}` });
    await step(S.client.addGroupUsers(S.session, g.id, ['S2', 'A', 'A2', 'M', 'M2', 'Bn'].map((n) => u[n].id)), 'add');
    await step(S.client.promoteGroupUsers(S.session, g.id, ['S2', 'A', 'A2'].map((n) => u[n].id)), 'promote to admin');
    await step(S.client.promoteGroupUsers(S.session, g.id, [u.S2.id]), 'promote S2 to superadmin');
    await step(u.J.client.joinGroup(u.J.session, g.id), 'J requests');
    await step(u.J2.client.joinGroup(u.J2.session, g.id), 'J2 requests');
    await step(S.client.banGroupUsers(S.session, g.id, [u.Bn.id]), 'ban Bn');
    return g;
  }

  const CALL = {
    kick: (p, g, ids) => p.client.kickGroupUsers(p.session, g, ids),
    promote: (p, g, ids) => p.client.promoteGroupUsers(p.session, g, ids),
    demote: (p, g, ids) => p.client.demoteGroupUsers(p.session, g, ids),
    ban: (p, g, ids) => p.client.banGroupUsers(p.session, g, ids),
  };

  function row(u, states, caller) {
    return TARGETS.map((t) => {
      const s = states.get(u[t === 'self' ? caller : t].id);
      return s === undefined ? '-' : String(s);
    }).join(' ');
  }

  for (const action of Object.keys(MATRIX)) {
    test(`role matrix: ${action}`, LONG, async () => {
      const u = await cast();
      const tag = newTag();
      const setup = await roleGroup(u, tag, `${action}-setup`);
      const initial = await groupStates(u.S, setup.id);
      assert.equal(row(u, initial, 'S'), '0 1 2 3 4 - 0', 'the setup');
      const results = {};
      for (const caller of ['S', 'A', ...REFUSED_CALLERS]) {
        const g = await roleGroup(u, tag, `${action}-${caller}`);
        for (const target of TARGETS) {
          const id = u[target === 'self' ? caller : target].id;
          const label = `${action}: ${caller} → ${target}`;
          if (REFUSED_CALLERS.includes(caller)) {
            await refused(CALL[action](u[caller], g.id, [id]), 404, NOT_FOUND, PERMISSION_DENIED, label);
          } else {
            await step(CALL[action](u[caller], g.id, [id]), label);
          }
        }
        results[caller] = row(u, await groupStates(u.S, g.id), caller);
      }
      const expected = { ...MATRIX[action] };
      for (const caller of REFUSED_CALLERS) expected[caller] = row(u, initial, caller);
      assert.deepEqual(results, expected);
    });
  }

  test('edge counts: members count, requests and bans do not; a kicked ban can join again', T, async () => {
    const o = await player();
    const [u1, u2, bn] = [await player(), await player(), await player()];
    const tag = newTag();
    const g = await create(o, { name: `ec-${tag}`, open: true });
    await step(u1.client.joinGroup(u1.session, g.id), 'u1 joins');
    await step(o.client.addGroupUsers(o.session, g.id, [bn.id]), 'add bn');
    assert.equal((await groupOf(o, g.id)).group.edge_count, 3);
    await step(o.client.banGroupUsers(o.session, g.id, [bn.id]), 'ban bn');
    assert.equal((await groupOf(o, g.id)).group.edge_count, 2, 'a ban leaves the count');
    // a banned user's groups are not listed, not even with state 4
    assert.deepEqual((await step(bn.client.listUserGroups(bn.session, bn.id), 'bn groups')).user_groups, []);
    assert.deepEqual((await listUserGroupsAs(bn, bn.id, { state: 4 })).user_groups, []);
    // a banned user's join and leave, and being added, change nothing
    assert.equal(await step(bn.client.joinGroup(bn.session, g.id), 'banned joins'), true);
    assert.equal(await step(o.client.addGroupUsers(o.session, g.id, [bn.id]), 'banned added'), true);
    assert.equal(await step(bn.client.leaveGroup(bn.session, g.id), 'banned leaves'), true);
    assert.equal((await groupStates(o, g.id)).get(bn.id), 4);
    assert.equal((await groupOf(o, g.id)).group.edge_count, 2);
    // kicking the banned user removes the ban
    await step(o.client.kickGroupUsers(o.session, g.id, [bn.id]), 'kick bn');
    assert.equal((await groupStates(o, g.id)).get(bn.id), undefined);
    await step(bn.client.joinGroup(bn.session, g.id), 'bn joins again');
    assert.equal((await groupStates(o, g.id)).get(bn.id), 2);
    assert.equal((await groupOf(o, g.id)).group.edge_count, 3);
    // kick and leave decrement
    await step(o.client.kickGroupUsers(o.session, g.id, [u1.id]), 'kick u1');
    assert.equal((await groupOf(o, g.id)).group.edge_count, 2);
    await step(bn.client.leaveGroup(bn.session, g.id), 'bn leaves');
    assert.equal((await groupOf(o, g.id)).group.edge_count, 1);
    // a request is not counted, and kicking it (declining) changes no count
    await step(o.client.updateGroup(o.session, g.id, { open: false }), 'close');
    await step(u2.client.joinGroup(u2.session, g.id), 'u2 requests');
    assert.equal((await groupOf(o, g.id)).group.edge_count, 1);
    await step(o.client.kickGroupUsers(o.session, g.id, [u2.id]), 'decline u2');
    assert.equal((await groupStates(o, g.id)).get(u2.id), undefined);
    assert.equal((await groupOf(o, g.id)).group.edge_count, 1);
  });
});

describe('group listings', S, () => {
  // Five groups with a language of their own: pA (open, 3 members), pB (open, 2), pC (closed, 1),
  // qD (closed, 1 member + 1 join request), qE (open, 1).
  let o; let u1; let u2; let u3; let tag; let lang; const gid = {};
  const name = (k) => `${k}-${tag}`;
  const ec = { pA: 3, pB: 2, pC: 1, qD: 1, qE: 1 };
  const isOpen = { pA: true, pB: true, pC: false, qD: false, qE: true };

  before(async () => {
    [o, u1, u2, u3] = [await player(), await player(), await player(), await player()];
    tag = newTag();
    lang = `l-${tag}`;
    for (const k of ['pA', 'pB', 'pC', 'qD', 'qE']) {
      gid[k] = (await create(o, { name: name(k), lang_tag: lang, open: isOpen[k] })).id;
    }
    await step(u1.client.joinGroup(u1.session, gid.pA), 'u1 joins pA');
    await step(u2.client.joinGroup(u2.session, gid.pA), 'u2 joins pA');
    await step(u1.client.joinGroup(u1.session, gid.pB), 'u1 joins pB');
    await step(u1.client.joinGroup(u1.session, gid.qD), 'u1 requests qD');
  });

  const keyOf = (id) => Object.keys(gid).find((k) => gid[k] === id) ?? id;
  const names = (groups) => (groups ?? []).map((g) => keyOf(g.id));
  /** The groups ordered as the reference orders a language listing: (edge_count, id), ascending. */
  const ordered = (keys, descending = false) => {
    const sorted = [...keys].sort((a, b) => (ec[a] - ec[b]) || (gid[a] < gid[b] ? -1 : gid[a] > gid[b] ? 1 : 0));
    return descending ? sorted.reverse() : sorted;
  };

  test('listGroups by name: exact and case-insensitive; % and _ are wildcards after the first character', T, async () => {
    // The reference's name listing has no stable order (and its cursor is "name > last name
    // seen", so paging by name can repeat and skip groups: see the Note of the listing section
    // of the facts), so these assert the set of groups, not their order.
    const set = async (q, limit = 10) => names((await step(o.client.listGroups(o.session, q, undefined, limit), `name ${q}`)).groups).sort();
    assert.deepEqual(await set(name('pA')), ['pA']);
    assert.deepEqual(await set(`PA-${tag}`), ['pA'], 'ILIKE: case-insensitive');
    assert.deepEqual(await set(`p%-${tag}`), ['pA', 'pB', 'pC']);
    assert.deepEqual(await set(`pA%-${tag}`), ['pA'], '% matches nothing too');
    assert.deepEqual(await set(`p_-${tag}`), ['pA', 'pB', 'pC']);
    assert.deepEqual(await set(`%A-${tag}`), [], 'a leading % is dropped: no "ends with" search');
    assert.deepEqual(await set('pA-'), [], 'no wildcard: an exact match');
    const one = await step(o.client.listGroups(o.session, name('pA'), undefined, 10), 'exact');
    assert.equal(one.cursor, undefined);
    const g = one.groups[0];
    assert.equal(g.name, name('pA'));
    assert.equal(g.creator_id, o.id);
    assert.equal(g.lang_tag, lang);
    assert.equal(g.open, true);
    assert.equal(g.edge_count, 3);
    assert.equal(g.max_count, 100);
    // the default limit is 1
    const first = await step(o.client.listGroups(o.session, `p%-${tag}`), 'default limit');
    assert.equal(first.groups.length, 1);
    assert.ok(['pA', 'pB', 'pC'].includes(keyOf(first.groups[0].id)));
    assert.equal(typeof first.cursor, 'string', 'more to come: a cursor');
    await refused(listGroupsRaw(o, { name: name('pA'), lang }), 400, INVALID_ARGUMENT,
      'name filter cannot be combined with any other filter', 'name + lang_tag');
    await refused(listGroupsRaw(o, { name: name('pA'), open: true }), 400, INVALID_ARGUMENT,
      'name filter cannot be combined with any other filter', 'name + open');
    await refused(listGroupsRaw(o, { name: name('pA'), members: 3 }), 400, INVALID_ARGUMENT,
      'name filter cannot be combined with any other filter', 'name + members');
  });

  test('listGroups by language, open and members: order, filters, paging, refusals', T, async () => {
    const all = ['pA', 'pB', 'pC', 'qD', 'qE'];
    const list = async (q) => names((await listGroupsRaw(o, { limit: 10, ...q })).groups);
    assert.deepEqual(await list({ lang }), ordered(all), 'language only: (edge_count, id) ascending');
    // language + open: the reference's query for exactly this pair has no ORDER BY
    // (core_group.go ListGroups), so only the set is asserted
    const set = async (q) => (await list(q)).sort();
    assert.deepEqual(await set({ lang, open: true }), ['pA', 'pB', 'qE']);
    assert.deepEqual(await set({ lang, open: false }), ['pC', 'qD']);
    assert.deepEqual(await list({ lang, members: 1 }), ordered(['pC', 'qD', 'qE'], true), 'members: edge_count <= N, descending');
    assert.deepEqual(await list({ lang, members: 2 }), ordered(['pB', 'pC', 'qD', 'qE'], true));
    assert.deepEqual(await list({ lang, members: 3 }), ordered(all, true));
    assert.deepEqual(await list({ lang, open: true, members: 2 }), ordered(['pB', 'qE'], true));
    assert.deepEqual(await list({ lang, open: false, members: 1 }), ordered(['pC', 'qD'], true));
    assert.deepEqual(await list({ lang, members: 0 }), []);
    assert.deepEqual(await list({ lang, members: -1 }), ordered(all), 'members -1: no filter');
    assert.deepEqual(await list({ lang: `L-${tag}` }), [], 'the language is matched case-sensitively');
    assert.deepEqual(await list({ lang, limit: 100 }), ordered(all));
    const full = (await listGroupsRaw(o, { lang, limit: 10 })).groups.find((g) => g.id === gid.qD);
    assert.equal(full.name, name('qD'));
    assert.equal(full.edge_count, 1, 'a join request is not counted');
    assert.equal(full.open ?? false, false);

    // paging by language: the pages together are the whole list, the last has no cursor
    const paged = [];
    let cursor;
    for (let i = 0; i < 5; i++) {
      const page = await listGroupsRaw(o, { lang, limit: 2, cursor });
      paged.push(...names(page.groups));
      cursor = page.cursor;
      if (!cursor) break;
    }
    assert.deepEqual(paged, ordered(all));
    assert.equal(cursor, undefined);
    const oneOnly = await listGroupsRaw(o, { lang });
    assert.equal(oneOnly.groups.length, 1, 'the default limit is 1');
    assert.equal(typeof oneOnly.cursor, 'string');

    await refused(listGroupsRaw(o, { limit: 0 }), 400, INVALID_ARGUMENT, BAD_LIMIT, 'limit 0');
    await refused(listGroupsRaw(o, { limit: 101 }), 400, INVALID_ARGUMENT, BAD_LIMIT, 'limit 101');
    const badOpen = await expectHttpError(listGroupsRaw(o, { open: 'abc' }), 400, INVALID_ARGUMENT, 'open=abc');
    assert.match(badOpen.message, /open/);
    // a garbage cursor is a 500 on the reference
    await refused(listGroupsRaw(o, { lang, cursor: 'garbage' }), 500, INTERNAL, 'Error while trying to list groups.', 'cursor');
  });

  test('listGroupUsers: order by state then arrival, state filter, paging, refusals', T, async () => {
    const users = await step(o.client.listGroupUsers(o.session, gid.pA), 'pA users');
    assert.deepEqual(users.group_users.map((gu) => [gu.user.id, gu.state]), [[o.id, 0], [u1.id, 2], [u2.id, 2]]);
    assert.equal(users.cursor, undefined);
    assert.equal(users.group_users[1].user.username, u1.username);
    const paged = [];
    let cursor;
    for (let i = 0; i < 5; i++) {
      const page = await step(o.client.listGroupUsers(o.session, gid.pA, undefined, 1, cursor), 'page');
      assert.equal(page.group_users.length, 1);
      paged.push(page.group_users[0].user.id);
      cursor = page.cursor;
      if (!cursor) break;
    }
    assert.deepEqual(paged, [o.id, u1.id, u2.id]);
    const byState = async (state) => (await step(o.client.listGroupUsers(o.session, gid.qD, state), `qD state ${state}`))
      .group_users.map((gu) => gu.user.id);
    assert.deepEqual(await byState(0), [o.id]);
    assert.deepEqual(await byState(2), []);
    assert.deepEqual(await byState(3), [u1.id]);
    assert.deepEqual(await byState(4), []);
    // anyone may list any group's users, closed or not
    const outsider = await step(u3.client.listGroupUsers(u3.session, gid.pC), 'outsider lists closed pC');
    assert.deepEqual(outsider.group_users.map((gu) => [gu.user.id, gu.state]), [[o.id, 0]]);
    assert.deepEqual((await step(o.client.listGroupUsers(o.session, UNKNOWN_ID), 'unknown group')).group_users, []);
    await refused(o.client.listGroupUsers(o.session, 'nope'), 400, INVALID_ARGUMENT, BAD_GROUP_ID, 'malformed group');
    await refused(o.client.listGroupUsers(o.session, gid.pA, 5), 400, INVALID_ARGUMENT, BAD_STATE, 'state 5');
    await refused(o.client.listGroupUsers(o.session, gid.pA, undefined, 0), 400, INVALID_ARGUMENT, BAD_LIMIT, 'limit 0');
    await refused(o.client.listGroupUsers(o.session, gid.pA, undefined, 101), 400, INVALID_ARGUMENT, BAD_LIMIT, 'limit 101');
    await refused(o.client.listGroupUsers(o.session, gid.pA, undefined, undefined, 'garbage'), 400, INVALID_ARGUMENT,
      'Cursor is invalid.', 'cursor');
  });

  test('listUserGroups: any user\'s groups, state filter, paging, refusals', T, async () => {
    const seen = await step(u3.client.listUserGroups(u3.session, u1.id), 'u3 lists u1 groups');
    assert.deepEqual(seen.user_groups.map((ug) => [keyOf(ug.group.id), ug.state]), [['pA', 2], ['pB', 2], ['qD', 3]]);
    const pA = seen.user_groups[0].group;
    assert.equal(pA.name, name('pA'));
    assert.equal(pA.edge_count, 3);
    assert.equal(pA.creator_id, o.id);
    assert.equal(seen.cursor, undefined);
    // nakama-js sends its `state` argument as the limit (header): listUserGroups(s, id, 1) pages
    const swapped = await step(u1.client.listUserGroups(u1.session, u1.id, 1), 'listUserGroups(session, id, 1)');
    assert.deepEqual(swapped.user_groups.map((ug) => keyOf(ug.group.id)), ['pA']);
    assert.equal(typeof swapped.cursor, 'string');
    const page2 = await listUserGroupsAs(u1, u1.id, { limit: 1, cursor: swapped.cursor });
    assert.deepEqual(page2.user_groups.map((ug) => keyOf(ug.group.id)), ['pB']);
    assert.equal(typeof page2.cursor, 'string');
    const page3 = await listUserGroupsAs(u1, u1.id, { limit: 1, cursor: page2.cursor });
    assert.deepEqual(page3.user_groups.map((ug) => keyOf(ug.group.id)), ['qD']);
    assert.equal(page3.cursor, undefined);
    assert.deepEqual((await listUserGroupsAs(u1, u1.id, { state: 3 })).user_groups.map((ug) => keyOf(ug.group.id)), ['qD']);
    assert.deepEqual((await listUserGroupsAs(u1, u1.id, { state: 2 })).user_groups.map((ug) => keyOf(ug.group.id)), ['pA', 'pB']);
    assert.deepEqual((await listUserGroupsAs(u1, UNKNOWN_ID)).user_groups, [], 'an unknown user has no groups');
    await refused(listUserGroupsAs(u1, u1.id, { state: 5 }), 400, INVALID_ARGUMENT, BAD_STATE, 'state 5');
    await refused(listUserGroupsAs(u1, u1.id, { limit: 101 }), 400, INVALID_ARGUMENT, BAD_LIMIT, 'limit 101');
    await refused(listUserGroupsAs(u1, 'nope'), 400, INVALID_ARGUMENT, BAD_GROUP_ID, 'malformed user id (sic)');
    await refused(listUserGroupsAs(u1, u1.id, { cursor: 'garbage' }), 400, INVALID_ARGUMENT, 'Cursor is invalid.', 'cursor');
  });
});
