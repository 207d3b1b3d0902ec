// An example app behind Lockbox, in Node.js. It shows the one thing an
// upstream app must get right: trust the X-Lockbox-* identity headers only
// when X-Lockbox-Token is a valid token from your gateway, and take the
// identity from the verified claims.
//
//   LOCKBOX_ISSUER=https://app.example.com/_lockbox \
//   LOCKBOX_AUDIENCE=app.example.com \
//   node server.mjs
import http from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const issuer = process.env.LOCKBOX_ISSUER;
const audience = process.env.LOCKBOX_AUDIENCE;
if (!issuer || !audience) {
  console.error('set LOCKBOX_ISSUER (e.g. https://app.example.com/_lockbox) and LOCKBOX_AUDIENCE (e.g. app.example.com)');
  process.exit(1);
}
const listen = new URL(`http://${process.env.LISTEN || '127.0.0.1:9000'}`);

// Lockbox's tokens: ES256 only, and the typ header they carry, so a token
// of another kind signed by the same keys is refused.
const verifyOptions = {
  issuer,
  audience,
  algorithms: ['ES256'],
  typ: 'JWT',
  requiredClaims: ['exp', 'iat', 'sub'],
};

// The gateway's keys, found through its discovery document on first use,
// so the app may start before Lockbox. jose caches them and fetches them
// again when a token names a key it has not seen (after a rotation).
let keys;
async function gatewayKeys() {
  if (!keys) {
    keys = discover().catch((err) => {
      keys = undefined; // try again on the next request
      throw err;
    });
  }
  return keys;
}

async function discover() {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`discovering the Lockbox issuer: ${res.status}`);
  const doc = await res.json();
  if (doc.issuer !== issuer || typeof doc.jwks_uri !== 'string') {
    throw new Error('the discovery document names another issuer or no jwks_uri');
  }
  return createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: 5000 });
}

class Untrusted extends Error {}

const isString = (v) => typeof v === 'string' && v !== '';

// agentOf returns the agent of a request, null for ordinary traffic, or
// throws when Lockbox headers arrived that cannot be trusted.
async function agentOf(req) {
  const raw = req.headers['x-lockbox-token'];
  if (!raw) {
    if (Object.keys(req.headers).some((name) => name.startsWith('x-lockbox-'))) {
      throw new Untrusted('X-Lockbox-* headers without a token');
    }
    return null;
  }
  const { payload: c } = await jwtVerify(raw, await gatewayKeys(), verifyOptions);
  // jose accepts an audience list that names ours; Lockbox sends exactly
  // one, so a token meant for more than one app is refused.
  if (Array.isArray(c.aud) && c.aud.length !== 1) {
    throw new Untrusted('the token is meant for more than one audience');
  }
  // Type-check every claim the app uses.
  const act = c.act;
  if (!isString(c.tenant) || c.sub !== c.tenant || typeof act !== 'object' || act === null ||
      !isString(act.sub) || !isString(c.sid) || typeof c.scope !== 'string' ||
      (act.email !== undefined && typeof act.email !== 'string') ||
      (c.grant !== undefined && typeof c.grant !== 'string') ||
      (c.break_glass !== undefined && typeof c.break_glass !== 'boolean')) {
    throw new Untrusted('the token does not name one agent in one tenant');
  }
  if (req.headers['x-lockbox-tenant'] !== c.tenant) {
    throw new Untrusted('X-Lockbox-Tenant disagrees with the token');
  }
  return {
    tenant: c.tenant,
    agent: act.email ?? '',
    agent_sub: act.sub,
    scopes: c.scope.split(' ').filter(Boolean),
    session: c.sid,
    grant: c.grant,
    break_glass: c.break_glass || undefined,
  };
}

// can reports whether the agent's session has scope, such as "write" or
// "pii" (show personal data unmasked).
export const can = (agent, scope) => agent.scopes.includes(scope);

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  let agent;
  try {
    agent = await agentOf(req);
  } catch (err) {
    console.warn(`refused untrusted support-access request: ${err.message}`);
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('untrusted support-access request\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  // Your app's own sign-in applies to ordinary traffic (agent === null).
  // An app also checks that agent.tenant is the tenant this request is
  // for, and masks personal data unless can(agent, 'pii').
  reply(res, 200, agent ? agent : { agent: null });
});

server.listen(Number(listen.port), listen.hostname, () => {
  console.log(`listening on ${listen.host}, trusting tokens from ${issuer}`);
});
