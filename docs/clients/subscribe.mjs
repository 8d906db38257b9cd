// A live change through the standard npm graphql-ws client (graphql-transport-ws protocol).
//
//   make run                                  # in another terminal: the demo district
//   cd docs/clients && npm install && node subscribe.mjs [http://127.0.0.1:8000]
//
// Logs in as the demo community officer `cuiyuan`, subscribes to `changes` of 翠苑一区,
// changes the households of one of its buildings over HTTP, prints the change that arrives
// and exits 0 (1 when nothing arrives within 10 s). The building is set back afterwards.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const base = (process.argv[2] || process.env.GRASSROOTS_URL || 'http://127.0.0.1:8000').replace(/\/$/, '');
const username = process.env.GRASSROOTS_USER || 'cuiyuan';
const password = process.env.GRASSROOTS_PASSWORD || 'demo-pass-2026';

async function gql(query, variables = {}, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const login = await gql(
  'mutation($u: String!, $p: String!) { sessionCreate(username: $u, password: $p) { token errors { code message } } }',
  { u: username, p: password },
);
if (login.sessionCreate.errors.length) throw new Error(JSON.stringify(login.sessionCreate.errors));
const token = login.sessionCreate.token;
console.log(`logged in as ${username}`);

const found = await gql(
  '{ treeNodes(kind: COMPOUND, nameContains: "翠苑一区") { nodes { id name ... on Compound { buildings(first: 1) { nodes { id name households } } } } } }',
  {}, token,
);
const compound = found.treeNodes.nodes[0];
const building = compound.buildings.nodes[0];

const client = createClient({
  url: base.replace(/^http/, 'ws') + '/graphql',
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: 0,
  on: {
    connected: () => console.log('connected (connection_ack received)'),
    closed: (e) => console.log(`closed: ${e.code} ${e.reason || ''}`.trim()),
  },
});

const timer = setTimeout(() => { console.error('no change received within 10 s'); process.exit(1); }, 10_000);
let changed = false;
const received = new Promise((resolve, reject) => {
  client.subscribe(
    { query: `subscription($n: ID!) { changes(nodeId: $n) { action objectType objectId actor at } }`, variables: { n: compound.id } },
    { next: (msg) => resolve(msg), error: reject, complete: () => reject(new Error('completed without a change')) },
  );
});
console.log(`subscribed to changes of ${compound.name}`);

// The subscription is live a moment after "subscribe": repeat the (idempotent) change until it arrives.
const update = 'mutation($i: TreeNodeUpdateInput!) { treeNodeUpdate(input: $i) { errors { code message } } }';
const poke = setInterval(async () => {
  if (!changed) console.log(`changing ${building.name}: households ${building.households} -> ${building.households + 1}`);
  changed = true;
  await gql(update, { i: { id: building.id, households: building.households + 1 } }, token);
}, 200);

try {
  const msg = await received;
  console.log('received:', JSON.stringify(msg.data.changes));
} finally {
  clearInterval(poke);
  clearTimeout(timer);
  await gql(update, { i: { id: building.id, households: building.households } }, token);
  await client.dispose();
}
process.exit(0);
