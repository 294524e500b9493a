#!/usr/bin/env node
// Polyglot check: a Node gRPC client of socialcheck (@grpc/grpc-js + @grpc/proto-loader), loading
// the project's own .proto at run time.
//
//   (cd integration-tests/src/test/node && npm ci)       # or integration-tests/setup-polyglot.sh
//   node integration-tests/src/test/node/client.js 127.0.0.1:50051
//
// Runs the demo-catalog scenario against a running server (`./socialcheck serve`, any
// --demo-time-scale) and prints what it got. Exit status: 0 every check passed, 1 some check got
// something else (each mismatch is printed), 2 bad usage or missing tools.
'use strict';

const path = require('node:path');

const SETUP_HINT =
  'run integration-tests/setup-polyglot.sh once (npm ci in integration-tests/src/test/node)';
let grpc;
let protoLoader;
try {
  grpc = require('@grpc/grpc-js');
  protoLoader = require('@grpc/proto-loader');
} catch (e) {
  console.error(`node client: cannot load @grpc/grpc-js / @grpc/proto-loader (${e.message}): ${SETUP_HINT}`);
  process.exit(2);
}

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const PROTO_DIR = path.join(REPO, 'proto', 'src', 'main', 'protobuf');
// google/rpc/status.proto, imported by the contract (see proto/buf.yaml).
const THIRD_PARTY_PROTO_DIR = path.join(REPO, 'proto', 'src', 'main', 'third_party');
const HEALTH_PROTO_DIR = path.join(REPO, 'integration-tests', 'src', 'test', 'proto');
// Generous per-call deadline: the slowest demo answer takes 5 s at time scale 1.
const CALL_TIMEOUT_MS = 30_000;

class Mismatch extends Error {}

function expect(what, got, want) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) {
    throw new Mismatch(`${what}: expected ${w}, got ${g}`);
  }
}

function deadline(ms = CALL_TIMEOUT_MS) {
  return { deadline: Date.now() + ms };
}

/** Promise of a unary call's response. */
function unary(client, method, request, options = deadline()) {
  return new Promise((resolve, reject) => {
    client[method](request, options, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

/** Runs call(), which must fail with the status code want (a grpc.status value). */
async function expectRpcError(what, call, want) {
  let got;
  try {
    got = await call();
  } catch (e) {
    if (e instanceof Mismatch) {
      throw e;
    }
    expect(`${what}: status code`, grpc.status[e.code] ?? e.code, grpc.status[want]);
    return e;
  }
  throw new Mismatch(`${what}: expected ${grpc.status[want]}, got a response: ${JSON.stringify(got)}`);
}

/** Promise of every message of a server-streaming call, resolved when the stream ends OK. */
function collect(call) {
  return new Promise((resolve, reject) => {
    const messages = [];
    call.on('data', (m) => messages.push(m));
    call.on('error', reject);
    call.on('end', () => resolve(messages));
  });
}

const results = (list) => list.map((r) => [r.platform, r.status]);

function loadClients(target) {
  const definition = protoLoader.loadSync(['socialcheck/v1/socialcheck.proto', 'health.proto'], {
    includeDirs: [PROTO_DIR, THIRD_PARTY_PROTO_DIR, HEALTH_PROTO_DIR],
    keepCase: true, // field names as in the .proto (found_on, has_account)
    enums: String, // enum values by name
    defaults: true, // unset fields as their default, like every other proto3 client
    longs: String,
  });
  const proto = grpc.loadPackageDefinition(definition);
  const credentials = grpc.credentials.createInsecure();
  return {
    stub: new proto.socialcheck.v1.SocialAccountService(target, credentials),
    health: new proto.grpc.health.v1.Health(target, credentials),
  };
}

function makeChecks({ stub, health }) {
  const state = {};
  return [
    ['health is SERVING', healthServing],
    ['ListPlatforms', async () => {
      const response = await unary(stub, 'ListPlatforms', {});
      const ids = response.platforms.map((p) => p.id);
      console.log(`  platforms: ${JSON.stringify(ids)}`);
      expect('platform ids, likeliest first', ids, ['facebook', 'twitter', 'github']);
      const timeout = response.platforms.find((p) => p.id === 'facebook').timeout;
      state.facebookTimeoutMs = Number(timeout.seconds) * 1000 + timeout.nanos / 1e6;
    }],
    ['HasSocialAccount: found on github, the others cancelled', async () => {
      const r = await unary(stub, 'HasSocialAccount', { email: 'user@email.com' });
      console.log(`  verdict: ${r.verdict} found_on=${JSON.stringify(r.found_on)} results=${JSON.stringify(results(r.results))}`);
      expect('verdict', r.verdict, 'VERDICT_FOUND');
      expect('has_account', r.has_account, true);
      expect('found_on', r.found_on, 'github');
      expect('results (likeliest first)', results(r.results), [
        ['facebook', 'PLATFORM_STATUS_CANCELLED'],
        ['twitter', 'PLATFORM_STATUS_CANCELLED'],
        ['github', 'PLATFORM_STATUS_FOUND'],
      ]);
    }],
    ['HasSocialAccount: user+nobody is not found', async () => {
      const r = await unary(stub, 'HasSocialAccount', { email: 'user+nobody@email.com' });
      console.log(`  verdict: ${r.verdict} found_on=${JSON.stringify(r.found_on)} results=${JSON.stringify(results(r.results))}`);
      expect('verdict', r.verdict, 'VERDICT_NOT_FOUND');
      expect('has_account', r.has_account, false);
      expect('found_on', r.found_on, '');
      expect('results', results(r.results), [
        ['facebook', 'PLATFORM_STATUS_NOT_FOUND'],
        ['twitter', 'PLATFORM_STATUS_NOT_FOUND'],
        ['github', 'PLATFORM_STATUS_NOT_FOUND'],
      ]);
    }],
    ['CheckEach: github, twitter, facebook', async () => {
      const messages = await collect(stub.CheckEach({ email: 'user@email.com' }, deadline()));
      const got = results(messages.map((m) => m.result));
      console.log(`  stream: ${JSON.stringify(got)}, then OK`);
      expect('CheckEach results, in completion order', got, [
        ['github', 'PLATFORM_STATUS_FOUND'],
        ['twitter', 'PLATFORM_STATUS_NOT_FOUND'],
        ['facebook', 'PLATFORM_STATUS_FOUND'],
      ]);
    }],
    ['malformed address: INVALID_ARGUMENT', async () => {
      let e = await expectRpcError('HasSocialAccount with a malformed address',
        () => unary(stub, 'HasSocialAccount', { email: 'not-an-address' }),
        grpc.status.INVALID_ARGUMENT);
      console.log(`  HasSocialAccount: ${grpc.status[e.code]}: ${e.details}`);
      e = await expectRpcError('CheckEach with a malformed address',
        () => collect(stub.CheckEach({ email: 'not-an-address' }, deadline())),
        grpc.status.INVALID_ARGUMENT);
      console.log(`  CheckEach: ${grpc.status[e.code]}: ${e.details}`);
    }],
    ['deadline: DEADLINE_EXCEEDED', async () => {
      // SEQUENTIAL on facebook alone answers after half of facebook's timeout (5 s of 10 s in the
      // demo catalog, times the server's --demo-time-scale): a deadline of a fifth of that
      // timeout passes first, at any time scale.
      if (state.facebookTimeoutMs === undefined) {
        throw new Mismatch("needs facebook's timeout from ListPlatforms, which failed");
      }
      const ms = Math.round(state.facebookTimeoutMs / 5);
      const request = { email: 'user@email.com', strategy: 'STRATEGY_SEQUENTIAL', platforms: ['facebook'] };
      const e = await expectRpcError(`HasSocialAccount with a ${ms} ms deadline`,
        () => unary(stub, 'HasSocialAccount', request, deadline(ms)),
        grpc.status.DEADLINE_EXCEEDED);
      console.log(`  deadline ${ms} ms: ${grpc.status[e.code]}`);
    }],
    ['cancel CheckEach after the first result', async () => {
      // user+slow: twitter answers at 0.3 T and facebook at 0.5 T, but github never does, so the
      // stream cannot end before github's timeout T (T = 10 s times the time scale): a wide
      // window to cancel in after the first result.
      const call = stub.CheckEach({ email: 'user+slow@email.com' }, deadline());
      const outcome = await new Promise((resolve) => {
        const received = [];
        call.on('data', (m) => {
          received.push(m.result);
          if (received.length === 1) {
            call.cancel();
          }
        });
        call.on('error', (e) => resolve({ received, code: e.code }));
        call.on('end', () => resolve({ received, code: grpc.status.OK }));
      });
      const got = results(outcome.received);
      console.log(`  got ${JSON.stringify(got)}, then ${grpc.status[outcome.code]}`);
      expect('CheckEach results before cancel()', got, [['twitter', 'PLATFORM_STATUS_NOT_FOUND']]);
      expect('CheckEach status after cancel()', grpc.status[outcome.code], 'CANCELLED');
    }],
    ['health is still SERVING', healthServing],
  ];

  async function healthServing() {
    const response = await unary(health, 'Check', {});
    console.log(`  health: ${response.status}`);
    expect('health status', response.status, 'SERVING');
  }
}

async function main() {
  const target = process.argv[2];
  if (!target || process.argv.length > 3 || target.startsWith('-')) {
    console.error('usage: node client.js HOST:PORT   (a running socialcheck server)');
    return 2;
  }
  const clients = loadClients(target);
  console.log(`node client: node ${process.version}, target ${target}`);
  const checks = makeChecks(clients);
  const failed = [];
  for (const [name, check] of checks) {
    console.log(`- ${name}`);
    try {
      await check();
    } catch (e) {
      failed.push(name);
      const what = e instanceof Mismatch ? e.message
        : e.code !== undefined ? `unexpected RPC error ${grpc.status[e.code]}: ${e.details}`
          : (e.stack ?? String(e));
      console.log(`  MISMATCH: ${what}`);
    }
  }
  clients.stub.close();
  clients.health.close();
  if (failed.length > 0) {
    console.log(`node client: FAILED ${failed.length} of ${checks.length} checks: ${failed.join(', ')}`);
    return 1;
  }
  console.log(`node client: all ${checks.length} checks passed`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`node client: ${e.stack ?? e}`);
    process.exitCode = 1;
  },
);
