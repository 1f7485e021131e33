// Storage object interop tests through the official @heroiclabs/nakama-js client (see helpers.js
// for how the client behaves under Node). The assertions are the reference Nakama 3.18.0's
// answers, probed and written up in /work/notes/ref-player-data.md (issue 13).
//
// What nakama-js 2.8.0 does here (dist/nakama-js.cjs.js): writeStorageObjects(session, objects)
// sends each object's `value` as JSON.stringify(value) (so a client cannot send text that is not
// JSON through it: tests that need to use the generated `client.apiClient`, which sends the body
// as given) and resolves with the REST answer as it came ({acks: [...]} or {} when empty);
// readStorageObjects(session, {object_ids}) and listStorageObjects(session, collection, userId,
// limit, cursor) map each object, JSON.parse'ing `value` and turning permissions into Numbers
// (0 when absent), and resolve with {objects: []} (plus `cursor`, undefined when absent, for a
// listing) when the answer has none; deleteStorageObjects resolves with `true`. listStorageObjects
// sends `user_id=&limit=&cursor=` and drops the undefined ones. Non-2xx answers reject with the
// fetch Response.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, serverReady, expectHttpError,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

const INVALID_ARGUMENT = 3;
const UNAUTHENTICATED = 16;
const NO_READ = 0;
const OWNER_READ = 1;
const PUBLIC_READ = 2;
const NO_WRITE = 0;
const OWNER_WRITE = 1;
// Write acks carry the database's microsecond times; reads and listings whole seconds.
const FRACTION_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z$/;
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const VERSION_CONFLICT = 'Storage write rejected - version check failed.';
const WRITE_DENIED = 'Storage write rejected - permission denied.';
const NOT_AN_OBJECT = 'Value must be a JSON object.';
const MUST_BE_SET = 'Invalid collection or key value supplied. They must be set.';
const BAD_USER_ID = 'Invalid user ID - make sure user ID is a valid UUID.';
const BAD_LIMIT = 'Invalid limit - limit must be between 1 and 100.';
const DELETE_REFUSED = 'Storage delete rejected - not found, version check failed, or permission denied.';

before(() => serverReady());

const md5 = (text) => createHash('md5').update(text).digest('hex');

async function player() {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('storage-device'), true), 'authenticateDevice');
  return { client, session, id: session.user_id };
}

/** Expects an HTTP error with exactly this status, gRPC code and message. */
async function refused(promise, status, code, message, label) {
  const body = await expectHttpError(promise, status, code, label);
  if (message !== undefined) assert.equal(body.message, message, `${label}: message`);
  return body;
}

/** Writes through the generated API client: `value` goes out exactly as given. */
function writeRaw(p, objects) {
  return p.client.apiClient.writeStorageObjects(p.session.token, { objects });
}

async function read(p, ids, label = 'readStorageObjects') {
  return (await step(p.client.readStorageObjects(p.session, { object_ids: ids }), label)).objects;
}

async function exists(p, collection, key, userId = p.id) {
  return (await read(p, [{ collection, key, user_id: userId }], `read ${key}`)).length === 1;
}

function keysOf(objects) {
  return objects.map((o) => o.key);
}

/** Objects sorted by key (a read's order is not defined). */
function byKey(objects) {
  return [...objects].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

describe('storage: write', S, () => {
  test('one object: the ack names it, version is the md5 of the value as sent, times have fractions', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    const value = { b: 1, a: 2 };
    const result = await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'k1', value }]), 'write');
    assert.equal(result.acks.length, 1);
    const ack = result.acks[0];
    assert.deepEqual(Object.keys(ack).sort(), ['collection', 'create_time', 'key', 'update_time', 'user_id', 'version']);
    assert.equal(ack.collection, collection);
    assert.equal(ack.key, 'k1');
    assert.equal(ack.user_id, p.id);
    assert.equal(ack.version, md5(JSON.stringify(value)), 'md5 hex of {"b":1,"a":2}');
    assert.match(ack.create_time, FRACTION_SECONDS);
    assert.equal(ack.update_time, ack.create_time);

    const [object] = await read(p, [{ collection, key: 'k1', user_id: p.id }]);
    assert.deepEqual(object.value, value);
    assert.equal(object.version, ack.version);
    assert.equal(object.user_id, p.id);
    assert.equal(object.permission_read, OWNER_READ, 'default read permission');
    assert.equal(object.permission_write, OWNER_WRITE, 'default write permission');
    assert.match(object.create_time, WHOLE_SECONDS);
    assert.match(object.update_time, WHOLE_SECONDS);
  });

  test('several objects: one ack each, in request order; the same key twice: two acks, the last wins', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    const result = await step(p.client.writeStorageObjects(p.session, [
      { collection, key: 'ord-z', value: { z: 1 } },
      { collection, key: 'ord-a', value: { a: 1 }, permission_read: PUBLIC_READ },
      { collection: `${collection}-b`, key: 'ord-m', value: {} },
    ]), 'write three');
    assert.deepEqual(result.acks.map((a) => `${a.collection}/${a.key}`),
      [`${collection}/ord-z`, `${collection}/ord-a`, `${collection}-b/ord-m`]);
    assert.deepEqual(result.acks.map((a) => a.version), [md5('{"z":1}'), md5('{"a":1}'), md5('{}')]);

    const dup = await step(p.client.writeStorageObjects(p.session, [
      { collection, key: 'dup', value: { n: 1 } },
      { collection, key: 'dup', value: { n: 2 } },
    ]), 'write the same key twice');
    assert.deepEqual(dup.acks.map((a) => a.version), [md5('{"n":1}'), md5('{"n":2}')]);
    const [object] = await read(p, [{ collection, key: 'dup', user_id: p.id }]);
    assert.deepEqual(object.value, { n: 2 });
  });

  test('versions: none overwrites, the current one overwrites, a stale or made-up one is refused', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    const first = (await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'k', value: { v: 1 } }]),
      'write v1')).acks[0];
    const second = (await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'k', value: { v: 2 } }]),
      'write v2 without version')).acks[0];
    assert.equal(second.version, md5('{"v":2}'));
    assert.equal(second.create_time, first.create_time, 'create_time kept');
    const third = (await step(p.client.writeStorageObjects(p.session,
      [{ collection, key: 'k', value: { v: 3 }, version: second.version }]), 'write v3 with the current version')).acks[0];
    assert.equal(third.version, md5('{"v":3}'));
    assert.ok(third.update_time > third.create_time, 'update_time moved');
    await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'k', value: { v: 4 }, version: first.version }]),
      400, INVALID_ARGUMENT, VERSION_CONFLICT, 'write with a stale version');
    await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'k', value: { v: 4 }, version: 'nonsense' }]),
      400, INVALID_ARGUMENT, VERSION_CONFLICT, 'write with a made-up version');
    const [object] = await read(p, [{ collection, key: 'k', user_id: p.id }]);
    assert.deepEqual(object.value, { v: 3 });
    assert.equal(object.version, third.version);
  });

  test('version "*" writes only an absent object; any other version of an absent object is a conflict', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    const ack = (await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'new', value: { c: 5 }, version: '*' }]),
      'write "*" absent')).acks[0];
    assert.equal(ack.version, md5('{"c":5}'));
    await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'new', value: { c: 6 }, version: '*' }]),
      400, INVALID_ARGUMENT, VERSION_CONFLICT, 'write "*" present');
    await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'absent', value: { c: 5 }, version: ack.version }]),
      400, INVALID_ARGUMENT, VERSION_CONFLICT, 'write a version of an absent object');
    assert.equal(await exists(p, collection, 'absent'), false);
    assert.deepEqual((await read(p, [{ collection, key: 'new', user_id: p.id }]))[0].value, { c: 5 });
  });

  test('writing the same value again changes nothing; new permissions keep the version and move update_time', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    const first = (await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'same', value: { s: 1 } }]),
      'write')).acks[0];
    const again = (await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'same', value: { s: 1 } }]),
      'write the same again')).acks[0];
    assert.deepEqual(again, first, 'the ack repeats the stored version and times');
    const opened = (await step(p.client.writeStorageObjects(p.session,
      [{ collection, key: 'same', value: { s: 1 }, permission_read: PUBLIC_READ }]), 'write with read 2')).acks[0];
    assert.equal(opened.version, first.version);
    assert.equal(opened.create_time, first.create_time);
    assert.ok(opened.update_time > first.update_time, 'update_time moved');
    const other = await player();
    const [seen] = await read(other, [{ collection, key: 'same', user_id: p.id }]);
    assert.equal(seen.permission_read, PUBLIC_READ, 'the new permission applies');
  });

  test('permissions: read 0-2 and write 0-1 only; an object with write 0 cannot be written again by its owner', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    for (const permission_read of [3, -1]) {
      await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'p', value: {}, permission_read }]),
        400, INVALID_ARGUMENT, 'Invalid Read permission supplied. It must be either 0, 1 or 2.', `read ${permission_read}`);
    }
    for (const permission_write of [2, -1]) {
      await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'p', value: {}, permission_write }]),
        400, INVALID_ARGUMENT, 'Invalid Write permission supplied. It must be either 0 or 1.', `write ${permission_write}`);
    }
    assert.equal(await exists(p, collection, 'p'), false);
    await step(p.client.writeStorageObjects(p.session, [
      { collection, key: 'w0', value: { x: 1 }, permission_read: PUBLIC_READ, permission_write: NO_WRITE },
    ]), 'write with write 0');
    await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'w0', value: { x: 2 } }]),
      400, INVALID_ARGUMENT, WRITE_DENIED, 'owner rewrites a write-0 object');
    const [object] = await read(p, [{ collection, key: 'w0', user_id: p.id }]);
    assert.deepEqual(object.value, { x: 1 });
    assert.equal(object.permission_write, NO_WRITE);
  });

  test('a value must be a JSON object (surrounding whitespace is accepted)', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    for (const value of ['not json', '[1,2]', '"str"', '42', 'null', '{"a":1}{"b":2}']) {
      await refused(writeRaw(p, [{ collection, key: 'v', value }]), 400, INVALID_ARGUMENT, NOT_AN_OBJECT,
        `value ${JSON.stringify(value)}`);
    }
    // Through nakama-js, a string value is JSON.stringify'd into a JSON string: still not an object.
    await refused(p.client.writeStorageObjects(p.session, [{ collection, key: 'v', value: 'text' }]), 400,
      INVALID_ARGUMENT, NOT_AN_OBJECT, 'nakama-js string value');
    await refused(writeRaw(p, [{ collection, key: 'v', value: '' }]), 400, INVALID_ARGUMENT, MUST_BE_SET, 'value ""');
    await refused(writeRaw(p, [{ collection, key: 'v' }]), 400, INVALID_ARGUMENT, MUST_BE_SET, 'no value');
    assert.equal(await exists(p, collection, 'v'), false);

    const acks = (await step(writeRaw(p, [
      { collection, key: 'lead', value: ' {}' },
      { collection, key: 'trail', value: '{"a":1} ' },
    ]), 'write with whitespace')).acks;
    assert.deepEqual(acks.map((a) => a.version), [md5(' {}'), md5('{"a":1} ')], 'md5 of the text as sent');
    const objects = byKey(await read(p, [{ collection, key: 'lead', user_id: p.id }, { collection, key: 'trail', user_id: p.id }]));
    assert.deepEqual(objects.map((o) => o.value), [{}, { a: 1 }]);
  });

  test('collection and key are required; 128 characters are fine; no objects is an empty answer', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    await refused(writeRaw(p, [{ key: 'k', value: '{}' }]), 400, INVALID_ARGUMENT, MUST_BE_SET, 'no collection');
    await refused(writeRaw(p, [{ collection: '', key: 'k', value: '{}' }]), 400, INVALID_ARGUMENT, MUST_BE_SET,
      'collection ""');
    await refused(writeRaw(p, [{ collection, value: '{}' }]), 400, INVALID_ARGUMENT, MUST_BE_SET, 'no key');
    const longCollection = uniqueId('c').padEnd(128, 'x');
    const longKey = 'k'.repeat(128);
    const acks = (await step(p.client.writeStorageObjects(p.session, [
      { collection: longCollection, key: 'k', value: {} },
      { collection, key: longKey, value: {} },
      { collection, key: 'ü'.repeat(65), value: {} }, // 65 characters, 130 bytes
    ]), 'write 128 characters')).acks;
    assert.deepEqual(acks.map((a) => a.key), ['k', longKey, 'ü'.repeat(65)]);
    assert.deepEqual(await step(writeRaw(p, []), 'write []'), {});
    assert.deepEqual(await step(p.client.apiClient.writeStorageObjects(p.session.token, {}), 'write {}'), {});
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "Storage collections and keys over
  // 128 characters" (Nakama passes them to its database, whose column limit answers 500 code 13
  // "Error writing storage objects."; Gantry checks them first).
  test('a collection or key over 128 characters is 400 and writes nothing', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    await refused(p.client.writeStorageObjects(p.session, [{ collection: 'c'.repeat(129), key: 'k', value: {} }]),
      400, INVALID_ARGUMENT, undefined, 'collection 129 characters');
    await refused(p.client.writeStorageObjects(p.session, [
      { collection, key: 'first', value: {} },
      { collection, key: 'k'.repeat(129), value: {} },
    ]), 400, INVALID_ARGUMENT, undefined, 'key 129 characters');
    assert.equal(await exists(p, collection, 'first'), false);
  });

  test('a batch is all or nothing: a later conflict or bad value leaves the earlier objects unwritten', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'ver', value: { v: 1 } }]), 'write ver');
    await refused(p.client.writeStorageObjects(p.session, [
      { collection, key: 'batchA', value: { a: 1 } },
      { collection, key: 'ver', value: { v: 2 }, version: 'bad0' },
    ]), 400, INVALID_ARGUMENT, VERSION_CONFLICT, 'batch with a conflict');
    await refused(writeRaw(p, [
      { collection, key: 'batchB', value: '{"b":1}' },
      { collection, key: 'bad', value: 'not json' },
    ]), 400, INVALID_ARGUMENT, NOT_AN_OBJECT, 'batch with a bad value');
    assert.equal(await exists(p, collection, 'batchA'), false);
    assert.equal(await exists(p, collection, 'batchB'), false);
    assert.deepEqual((await read(p, [{ collection, key: 'ver', user_id: p.id }]))[0].value, { v: 1 });
  });

  test('objects are always the caller\'s: a user_id in the write is ignored; two users may share a key', T, async () => {
    const a = await player();
    const b = await player();
    const collection = uniqueId('col');
    const ack = (await step(writeRaw(a, [{ collection, key: 'k', value: '{"a":1}', user_id: b.id }]), 'write with user_id'))
      .acks[0];
    assert.equal(ack.user_id, a.id);
    const bAck = (await step(b.client.writeStorageObjects(b.session, [{ collection, key: 'k', value: { b: 1 } }]),
      'b writes the same key')).acks[0];
    assert.equal(bAck.user_id, b.id);
    assert.deepEqual((await read(a, [{ collection, key: 'k', user_id: a.id }]))[0].value, { a: 1 });
  });

  test('without a token: 401; a body that is not JSON: 400', T, async () => {
    const p = await player();
    await refused(p.client.apiClient.writeStorageObjects(undefined, { objects: [{ collection: 'c', key: 'k', value: '{}' }] }),
      401, UNAUTHENTICATED, 'Auth token required', 'write without a token');
    const res = await fetch(`${p.client.apiClient.basePath}/v2/storage`, {
      method: 'PUT', headers: { Authorization: `Bearer ${p.session.token}` }, body: 'nope',
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).code, INVALID_ARGUMENT);
  });
});

describe('storage: values as stored', S, () => {
  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "Storage values are returned as
  // written" (Nakama stores values as PostgreSQL jsonb and returns its rendering: keys sorted,
  // ", " and ": " separators, the last of duplicate keys, 1e2 as 100, so {"b":1,"a":2} reads back
  // as {"a": 2, "b": 1}; the version is the md5 of the text as written on both).
  test('a value reads back byte for byte as it was written', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    const values = {
      plain: '{"b":1,"a":2}',
      spaced: '{ "b" : [1, 2 ,3],\n "n": 1.50, "e": 1e2, "u": "\\u00e9", "z": {"y":1,"x":[]} }',
    };
    await step(writeRaw(p, Object.entries(values).map(([key, value]) => ({ collection, key, value }))), 'write');
    const raw = await step(p.client.apiClient.readStorageObjects(p.session.token, {
      object_ids: Object.keys(values).map((key) => ({ collection, key, user_id: p.id })),
    }), 'apiClient.readStorageObjects');
    for (const object of raw.objects) {
      assert.equal(object.value, values[object.key], object.key);
      assert.equal(object.version, md5(values[object.key]));
    }
    const listed = await step(p.client.apiClient.listStorageObjects(p.session.token, collection, p.id, 10), 'list');
    for (const object of listed.objects) assert.equal(object.value, values[object.key], `listed ${object.key}`);
  });

  test('the value a client parses is the value it wrote', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    const value = { b: [1, 2, 3], a: 'y', n: 1.5, u: 'é', z: { y: 1, x: [] }, nested: { deep: [{ k: null }] } };
    await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'v', value }]), 'write');
    const [object] = await read(p, [{ collection, key: 'v', user_id: p.id }]);
    assert.deepEqual(object.value, value);
  });
});

describe('storage: read', S, () => {
  /** a's objects r0, r1, r2 with read permission 0, 1, 2. */
  async function withPermissions() {
    const a = await player();
    const b = await player();
    const collection = uniqueId('col');
    await step(a.client.writeStorageObjects(a.session, [NO_READ, OWNER_READ, PUBLIC_READ].map((r) => (
      { collection, key: `r${r}`, value: { r }, permission_read: r }))), 'write r0 r1 r2');
    const ids = (...keys) => keys.map((key) => ({ collection, key, user_id: a.id }));
    return { a, b, collection, ids };
  }

  // The reference's read is a join without ORDER BY: the objects come in whatever order its
  // database's plan gives (seen both ways), so tests sort them.
  test('the owner reads read-1 and read-2 objects, not read-0 ones', T, async () => {
    const { a, ids } = await withPermissions();
    const objects = byKey(await read(a, ids('r2', 'r0', 'r1')));
    assert.deepEqual(keysOf(objects), ['r1', 'r2']);
    assert.deepEqual(objects.map((o) => o.value), [{ r: 1 }, { r: 2 }]);
    assert.deepEqual(objects.map((o) => o.permission_read), [OWNER_READ, PUBLIC_READ]);
  });

  test('another user reads only read-2 objects', T, async () => {
    const { b, ids } = await withPermissions();
    assert.deepEqual(keysOf(await read(b, ids('r0'))), []);
    assert.deepEqual(keysOf(await read(b, ids('r1'))), []);
    assert.deepEqual(keysOf(await read(b, ids('r0', 'r1', 'r2'))), ['r2']);
  });

  test('without user_id (or with "") the system\'s objects are meant: the caller\'s own are absent', T, async () => {
    const { a, collection } = await withPermissions();
    assert.deepEqual(await read(a, [{ collection, key: 'r1' }]), []);
    assert.deepEqual(await read(a, [{ collection, key: 'r1', user_id: '' }]), []);
  });

  test('unknown objects are absent; the same object asked twice comes twice; nothing found is {}', T, async () => {
    const { a, collection, ids } = await withPermissions();
    assert.deepEqual(keysOf(await read(a, [...ids('nosuch'), ...ids('r1')])), ['r1']);
    assert.deepEqual(keysOf(await read(a, ids('r1', 'r1'))), ['r1', 'r1']);
    const raw = await step(a.client.apiClient.readStorageObjects(a.session.token,
      { object_ids: [{ collection, key: 'nosuch', user_id: a.id }] }), 'apiClient.readStorageObjects(unknown)');
    assert.deepEqual(raw, {});
    assert.deepEqual(await step(a.client.apiClient.readStorageObjects(a.session.token, { object_ids: [] }), 'read []'), {});
    assert.deepEqual(await step(a.client.apiClient.readStorageObjects(a.session.token, {}), 'read {}'), {});
  });

  test('bad ids: no collection or key, a malformed or nil user_id', T, async () => {
    const { a, collection } = await withPermissions();
    await refused(a.client.readStorageObjects(a.session, { object_ids: [{ key: 'r1', user_id: a.id }] }), 400,
      INVALID_ARGUMENT, MUST_BE_SET, 'no collection');
    await refused(a.client.readStorageObjects(a.session, { object_ids: [{ collection, user_id: a.id }] }), 400,
      INVALID_ARGUMENT, MUST_BE_SET, 'no key');
    await refused(a.client.readStorageObjects(a.session, { object_ids: [{ collection, key: 'r1', user_id: 'not-a-uuid' }] }),
      400, INVALID_ARGUMENT, BAD_USER_ID, 'malformed user_id');
    await refused(a.client.readStorageObjects(a.session,
      { object_ids: [{ collection, key: 'r1', user_id: '00000000-0000-0000-0000-000000000000' }] }),
    400, INVALID_ARGUMENT, BAD_USER_ID, 'nil user_id');
  });
});

describe('storage: list', S, () => {
  /** a: keys b(1) a(2) c(2) A(1) _(1) 10(1) 9(1) z0(0); b: a(2) 0(2) b1(1). */
  async function listed() {
    const a = await player();
    const b = await player();
    const collection = uniqueId('col');
    const o = (key, permission_read) => ({ collection, key, value: { key }, permission_read });
    await step(a.client.writeStorageObjects(a.session, [
      o('b', 1), o('a', 2), o('c', 2), o('A', 1), o('_', 1), o('10', 1), o('9', 1), o('z0', 0),
    ]), 'a writes');
    await step(b.client.writeStorageObjects(b.session, [o('a', 2), o('0', 2), o('b1', 1)]), 'b writes');
    return { a, b, collection };
  }
  const list = (p, collection, userId, limit, cursor, label = 'listStorageObjects') =>
    step(p.client.listStorageObjects(p.session, collection, userId, limit, cursor), label);
  const owners = (objects, a, b) => objects.map((o) => `${o.key}:${o.user_id === a.id ? 'a' : o.user_id === b.id ? 'b' : '?'}`);

  test('my own listing: read 1 and 2, not 0, by read permission then key in byte order; no cursor at the end', T, async () => {
    const { a, collection } = await listed();
    const result = await list(a, collection, a.id, 100);
    assert.deepEqual(keysOf(result.objects), ['10', '9', 'A', '_', 'b', 'a', 'c']);
    assert.equal(result.cursor, undefined);
    const first = result.objects[0];
    assert.deepEqual(first.value, { key: '10' });
    assert.equal(first.user_id, a.id);
    assert.equal(first.permission_write, OWNER_WRITE);
    assert.match(first.create_time, WHOLE_SECONDS);
    assert.equal(first.version, md5('{"key":"10"}'));
  });

  test('another user\'s listing: only their read-2 objects, by key', T, async () => {
    const { a, b, collection } = await listed();
    assert.deepEqual(owners((await list(a, collection, b.id, 100)).objects, a, b), ['0:b', 'a:b']);
    assert.deepEqual(owners((await list(b, collection, a.id, 100)).objects, a, b), ['a:a', 'c:a']);
  });

  // The two users' ids are random, so which of them comes first under key "a" differs from run to
  // run: the differential report shows it as a user_id value difference, which is not one.
  test('no user_id: every user\'s read-2 objects of the collection, by key then user id', T, async () => {
    const { a, b, collection } = await listed();
    const result = await list(a, collection, undefined, 100);
    const [first, second] = [a.id, b.id].sort();
    const expected = ['0:b', `a:${first === a.id ? 'a' : 'b'}`, `a:${second === a.id ? 'a' : 'b'}`, 'c:a'];
    assert.deepEqual(owners(result.objects, a, b), expected);
    assert.equal(result.cursor, undefined);
  });

  test('paging: the limit defaults to 1; pages follow the cursor; the last page has no cursor', T, async () => {
    const { a, collection } = await listed();
    const one = await list(a, collection, a.id, undefined, undefined, 'list without limit');
    assert.deepEqual(keysOf(one.objects), ['10']);
    assert.equal(typeof one.cursor, 'string');
    assert.ok(one.cursor.length > 0);

    const pages = [];
    let cursor;
    do {
      const page = await list(a, collection, a.id, 3, cursor, `page ${pages.length + 1}`);
      pages.push(keysOf(page.objects));
      cursor = page.cursor;
    } while (cursor && pages.length < 5);
    assert.deepEqual(pages, [['10', '9', 'A'], ['_', 'b', 'a'], ['c']]);

    const exact = await list(a, collection, a.id, 7, undefined, 'limit = the count');
    assert.equal(exact.objects.length, 7);
    assert.equal(exact.cursor, undefined, 'no cursor when nothing follows');
    const six = await list(a, collection, a.id, 6, undefined, 'limit 6');
    const rest = await list(a, collection, a.id, 1, six.cursor, 'the rest after limit 6');
    assert.deepEqual(keysOf(rest.objects), ['c']);
    assert.equal(rest.cursor, undefined);
  });

  test('paging the public listing one by one', T, async () => {
    const { a, b, collection } = await listed();
    const seen = [];
    let cursor;
    do {
      const page = await list(b, collection, undefined, 1, cursor, `public page ${seen.length + 1}`);
      assert.equal(page.objects.length, 1);
      seen.push(...owners(page.objects, a, b));
      cursor = page.cursor;
    } while (cursor && seen.length < 6);
    assert.deepEqual(seen, owners((await list(b, collection, undefined, 100)).objects, a, b));
    assert.equal(seen.length, 4);
  });

  test('GET /v2/storage/{collection}/{user_id} is the same listing', T, async () => {
    const { a, b, collection } = await listed();
    const own = await step(a.client.apiClient.listStorageObjects2(a.session.token, collection, a.id, 100), 'list2 own');
    assert.deepEqual(keysOf(own.objects), ['10', '9', 'A', '_', 'b', 'a', 'c']);
    const theirs = await step(b.client.apiClient.listStorageObjects2(b.session.token, collection, a.id, 1), 'list2 a by b');
    assert.deepEqual(keysOf(theirs.objects), ['a']);
    assert.equal(typeof theirs.cursor, 'string');
    await refused(a.client.apiClient.listStorageObjects2(a.session.token, collection, 'not-a-uuid'), 400, INVALID_ARGUMENT,
      BAD_USER_ID, 'list2 malformed user id');
  });

  test('bad listings: limit 0, 101, -1; a forged cursor; a malformed user_id; an empty collection is {}', T, async () => {
    const { a, collection } = await listed();
    for (const limit of [0, 101, -1]) {
      await refused(a.client.listStorageObjects(a.session, collection, a.id, limit), 400, INVALID_ARGUMENT, BAD_LIMIT,
        `limit ${limit}`);
    }
    for (const cursor of ['notbase64!!', 'AAAA']) {
      await refused(a.client.listStorageObjects(a.session, collection, a.id, 2, cursor), 400, INVALID_ARGUMENT,
        'Malformed cursor was used.', `cursor ${cursor}`);
    }
    await refused(a.client.listStorageObjects(a.session, collection, 'not-a-uuid', 2), 400, INVALID_ARGUMENT, BAD_USER_ID,
      'malformed user_id');
    const empty = await step(a.client.apiClient.listStorageObjects(a.session.token, uniqueId('empty'), a.id, 10),
      'list an empty collection');
    assert.deepEqual(empty, {});
    assert.deepEqual(await step(a.client.apiClient.listStorageObjects(a.session.token, collection, randomUUID(), 10),
      'list an unknown user'), {});
  });
});

describe('storage: delete', S, () => {
  async function withObjects(...keys) {
    const p = await player();
    const collection = uniqueId('col');
    const acks = (await step(p.client.writeStorageObjects(p.session,
      keys.map((key) => ({ collection, key, value: { key } }))), 'write')).acks;
    return { p, collection, version: Object.fromEntries(acks.map((a) => [a.key, a.version])) };
  }
  const del = (p, object_ids) => p.client.deleteStorageObjects(p.session, { object_ids });

  test('own objects: without a version or with the current one', T, async () => {
    const { p, collection, version } = await withObjects('d1', 'd2', 'd3', 'd4');
    assert.equal(await step(del(p, [{ collection, key: 'd1' }]), 'delete d1'), true);
    assert.equal(await exists(p, collection, 'd1'), false);
    await step(del(p, [{ collection, key: 'd2', version: version.d2 }]), 'delete d2 with its version');
    assert.equal(await exists(p, collection, 'd2'), false);
    await step(del(p, [{ collection, key: 'd3' }, { collection, key: 'd4' }]), 'delete two');
    assert.equal(await exists(p, collection, 'd3'), false);
    assert.equal(await exists(p, collection, 'd4'), false);
    assert.equal(await step(p.client.apiClient.deleteStorageObjects(p.session.token, { object_ids: [] }), 'delete []')
      .then((r) => JSON.stringify(r)), '{}');
  });

  test('refused: a wrong version, "*", unknown, already deleted, another user\'s, a write-0 object', T, async () => {
    const { p, collection, version } = await withObjects('d1', 'd2');
    const other = await player();
    await step(p.client.writeStorageObjects(p.session, [
      { collection, key: 'w0', value: {}, permission_write: NO_WRITE },
      { collection, key: 'pub', value: {}, permission_read: PUBLIC_READ },
    ]), 'write w0 and pub');
    await step(del(p, [{ collection, key: 'd2' }]), 'delete d2');
    const cases = [
      [p, { collection, key: 'd1', version: version.d2 }, 'wrong version'],
      [p, { collection, key: 'd1', version: '*' }, 'version "*"'],
      [p, { collection, key: 'nosuch' }, 'unknown'],
      [p, { collection, key: 'd2' }, 'already deleted'],
      [other, { collection, key: 'pub' }, 'another user\'s'],
      [p, { collection, key: 'w0' }, 'write 0'],
    ];
    for (const [who, id, label] of cases) {
      await refused(del(who, [id]), 400, INVALID_ARGUMENT, DELETE_REFUSED, label);
    }
    assert.equal(await exists(p, collection, 'd1'), true);
    assert.equal(await exists(p, collection, 'w0'), true);
    assert.equal(await exists(other, collection, 'pub', p.id), true);
  });

  test('a read-0 object can be deleted by its owner', T, async () => {
    const p = await player();
    const collection = uniqueId('col');
    await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'r0', value: {}, permission_read: NO_READ }]),
      'write r0');
    await step(del(p, [{ collection, key: 'r0' }]), 'delete r0');
    await step(p.client.writeStorageObjects(p.session, [{ collection, key: 'r0', value: {}, version: '*' }]),
      'it is gone: "*" writes it again');
  });

  test('a batch is all or nothing', T, async () => {
    const { p, collection } = await withObjects('d4', 'd5');
    await refused(del(p, [{ collection, key: 'd4' }, { collection, key: 'd5', version: 'bad' }]), 400, INVALID_ARGUMENT,
      DELETE_REFUSED, 'batch with a wrong version');
    await refused(del(p, [{ collection, key: 'd4' }, { collection, key: 'nosuch' }]), 400, INVALID_ARGUMENT,
      DELETE_REFUSED, 'batch with an unknown object');
    assert.equal(await exists(p, collection, 'd4'), true);
    assert.equal(await exists(p, collection, 'd5'), true);
  });

  test('collection and key are required', T, async () => {
    const { p, collection } = await withObjects('d1');
    await refused(del(p, [{ collection }]), 400, INVALID_ARGUMENT, MUST_BE_SET, 'no key');
    await refused(del(p, [{ key: 'd1' }]), 400, INVALID_ARGUMENT, MUST_BE_SET, 'no collection');
    await refused(del(p, [{ collection, key: '' }]), 400, INVALID_ARGUMENT, MUST_BE_SET, 'key ""');
    await refused(p.client.apiClient.deleteStorageObjects(undefined, { object_ids: [{ collection, key: 'd1' }] }), 401,
      UNAUTHENTICATED, 'Auth token required', 'no token');
    assert.equal(await exists(p, collection, 'd1'), true);
  });
});
