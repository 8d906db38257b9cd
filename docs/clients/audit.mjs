// The GraphQL-over-HTTP conformance audit (npm graphql-http) against a running server.
//
//   cd docs/clients && npm install && node audit.mjs [http://127.0.0.1:8000/graphql]
//
// Prints every audit that did not pass and a summary line; exits 1 on any warning or error.
import { auditServer } from 'graphql-http';

const url = process.argv[2] || process.env.GRAPHQL_URL || 'http://127.0.0.1:8000/graphql';
const results = await auditServer({ url });
const counts = { ok: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status] += 1;
  if (r.status !== 'ok') {
    console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}: ${r.reason}`);
  }
}
console.log(`graphql-http audit of ${url}: ${counts.ok} ok, ${counts.warn} warn, ${counts.error} error`);
process.exit(counts.warn || counts.error ? 1 : 0);
