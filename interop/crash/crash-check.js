// The client side of ./scripts/crash-test (see there). Two modes:
//   node interop/crash/crash-check.js write  PORT STATE ROUND   writes until the server goes away,
//       appending every ACKNOWLEDGED write to STATE: "account DEVICE_ID USER_ID" once the REST
//       authenticate (create) answered 200, "message CHANNEL_ID MESSAGE_ID" once the socket
//       acknowledged a persistent chat message (channel_message_ack).
//   node interop/crash/crash-check.js verify PORT STATE          checks that every write in STATE is
//       there: each device authenticates (create=false) to the same user, each message id is in
//       the channel's history listed over REST (/v2/channel/{id}, paged with cursors). Prints one
//       line of counts; exits 1 if anything acknowledged is missing.
import { appendFileSync, readFileSync, existsSync } from 'node:fs';
import WebSocket from 'ws';

const [mode, port, stateFile, round] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const basic = 'Basic ' + Buffer.from('defaultkey:').toString('base64');

async function authenticate(deviceId, create) {
  const res = await fetch(`${base}/v2/account/authenticate/device?create=${create}`, {
    method: 'POST', headers: { Authorization: basic, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: deviceId }),
  });
  if (res.status !== 200) {
    return null;
  }
  const body = await res.json();
  const payload = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
  return { token: body.token, userId: payload.uid };
}

function record(line) {
  appendFileSync(stateFile, line + '\n');
}

async function chatter(index) {
  const user = await authenticate(`crash-chat-${index}`, true);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?format=json&token=${user.token}`);
  let cid = 0;
  const pending = new Map();
  let channelId = null;
  const done = new Promise((resolve) => {
    ws.on('close', resolve);
    ws.on('error', resolve);
  });
  ws.on('message', (data) => {
    const env = JSON.parse(data.toString());
    if (env.channel) {
      channelId = env.channel.id;
      sendNext();
    } else if (env.channel_message_ack) {
      const ack = env.channel_message_ack;
      if (pending.delete(env.cid)) {
        record(`message ${ack.channel_id} ${ack.message_id}`);
      }
      sendNext();
    } else if (env.error) {
      console.error('server error', JSON.stringify(env.error));
      sendNext();
    }
  });
  function sendNext() {
    if (ws.readyState !== WebSocket.OPEN || channelId === null) {
      return;
    }
    const id = String(++cid);
    pending.set(id, true);
    ws.send(JSON.stringify({ cid: id, channel_message_send: { channel_id: channelId,
      content: JSON.stringify({ round, sender: index, n: cid }) } }));
  }
  ws.on('open', () => {
    ws.send(JSON.stringify({ cid: 'join', channel_join: { target: 'crash', type: 1, persistence: true, hidden: false } }));
  });
  await done;
}

async function accounts() {
  for (let i = 0; ; i++) {
    const deviceId = `crash-r${round}-${i}-${process.pid}`;
    let user;
    try {
      user = await authenticate(deviceId, true);
    } catch (e) {
      return; // the server went away
    }
    if (user) {
      record(`account ${deviceId} ${user.userId}`);
    }
  }
}

async function write() {
  // Four persistent chat senders (each one send in flight, the next on its ack) and account
  // creations, all until the server is killed.
  await Promise.all([accounts(), ...[0, 1, 2, 3].map((i) => chatter(i).catch(() => {}))]);
}

async function listAll(token, channelId) {
  const ids = new Set();
  let cursor = '';
  for (let page = 0; page < 100000; page++) {
    const url = `${base}/v2/channel/${encodeURIComponent(channelId)}?limit=100&forward=true`
      + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) {
      throw new Error(`listing ${channelId}: ${res.status} ${await res.text()}`);
    }
    const body = await res.json();
    for (const m of body.messages || []) {
      ids.add(m.message_id);
    }
    if (!body.next_cursor) {
      return ids;
    }
    cursor = body.next_cursor;
  }
  throw new Error('too many pages');
}

async function verify() {
  const lines = existsSync(stateFile) ? readFileSync(stateFile, 'utf8').split('\n').filter(Boolean) : [];
  let accountsOk = 0, accountsMissing = 0, messagesOk = 0, messagesMissing = 0;
  const byChannel = new Map();
  for (const line of lines) {
    const [kind, a, b] = line.split(' ');
    if (kind === 'account') {
      const user = await authenticate(a, false);
      if (user && user.userId === b) {
        accountsOk++;
      } else {
        accountsMissing++;
        console.error(`missing account ${a} (user ${b})`);
      }
    } else if (kind === 'message') {
      if (!byChannel.has(a)) byChannel.set(a, []);
      byChannel.get(a).push(b);
    }
  }
  const reader = await authenticate('crash-chat-0', true);
  for (const [channelId, ids] of byChannel) {
    const stored = await listAll(reader.token, channelId);
    for (const id of ids) {
      if (stored.has(id)) {
        messagesOk++;
      } else {
        messagesMissing++;
        console.error(`missing message ${id} in ${channelId}`);
      }
    }
  }
  console.log(`accounts ${accountsOk} present, ${accountsMissing} missing; messages ${messagesOk} present, ${messagesMissing} missing`);
  process.exit(accountsMissing + messagesMissing > 0 ? 1 : 0);
}

if (mode === 'write') {
  await write();
} else if (mode === 'verify') {
  await verify();
} else {
  console.error('usage: crash-check.js write PORT STATE ROUND | verify PORT STATE');
  process.exit(2);
}
