// Helpers for the cluster interop tests: the official nakama-js client against several Gantry
// nodes of one cluster (docs/CLUSTER.md), users spread over the nodes. The Java test
// ClusterInteropTest starts Redis, PostgreSQL and the nodes, then runs `node --test cluster/` with
// GANTRY_CLUSTER_PORTS=port1,port2,port3 (node1 first) and GANTRY_CLUSTER_PIDS (their process ids,
// for the node-death test).

import { Client, SERVER_KEY, HOST, REST_TIMEOUT_MS, STEP_TIMEOUT_MS, connect, eventQueue, uniqueId, withTimeout } from '../tests/helpers.js';

export const PORTS = (process.env.GANTRY_CLUSTER_PORTS || '7350,7360,7370').split(',');
export const PIDS = (process.env.GANTRY_CLUSTER_PIDS || '').split(',').filter(Boolean).map(Number);

export const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

/** A client of node i (0-based). */
export function nodeClient(i) {
  return new Client(SERVER_KEY, HOST, PORTS[i], false, REST_TIMEOUT_MS, false);
}

/** Waits until every node answers /healthcheck. */
export async function clusterReady() {
  for (const port of PORTS) {
    const res = await fetch(`http://${HOST}:${port}/healthcheck`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`node on ${port} answered ${res.status}`);
  }
}

/**
 * A new user authenticated on node i, with a socket on node i and queues for every event the
 * tests look at.
 */
export async function player(i, { format = 'json', appearOnline = false, prefix = 'cluster' } = {}) {
  const client = nodeClient(i);
  const session = await step(client.authenticateDevice(uniqueId(prefix), true), `authenticateDevice on node${i + 1}`);
  const socket = await connect(client, session, { format, appearOnline });
  return {
    node: i,
    client,
    session,
    socket,
    userId: session.user_id,
    messages: eventQueue(socket, 'onchannelmessage'),
    presences: eventQueue(socket, 'onchannelpresence'),
    notifications: eventQueue(socket, 'onnotification'),
    matchData: eventQueue(socket, 'onmatchdata'),
    matchPresences: eventQueue(socket, 'onmatchpresence'),
    statusPresences: eventQueue(socket, 'onstatuspresence'),
    partyPresences: eventQueue(socket, 'onpartypresence'),
    partyData: eventQueue(socket, 'onpartydata'),
    parties: eventQueue(socket, 'onparty'),
    partyClosed: eventQueue(socket, 'onpartyclose'),
    partyLeader: eventQueue(socket, 'onpartyleader'),
    matchmakerMatched: eventQueue(socket, 'onmatchmakermatched'),
    streamData: eventQueue(socket, 'onstreamdata'),
  };
}

/** Waits for a presence event (channel or match) naming the user as joining or leaving. */
export async function awaitPresence(queue, userId, joining, label) {
  return queue.nextMatching((event) => (joining ? event.joins : event.leaves)?.some((p) => p.user_id === userId),
    STEP_TIMEOUT_MS, label);
}
