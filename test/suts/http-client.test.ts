import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { HttpClient } from '../../src/suts/http.js';
import { RetryableError } from '../../src/suts/sut.js';

/** A real HTTP server on loopback that answers every POST with a small JSON body, counting connections. */
async function startServer(delayMs = 0): Promise<{ server: Server; base: string; connections: () => number }> {
  let connections = 0;
  const server = createServer({ keepAlive: true }, (req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), delayMs));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, connections: () => connections };
}

async function stop(server: Server, client: HttpClient): Promise<void> {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

test('HttpClient: a request sent in the slot an answer freed goes out in the same turn of the event loop', async (t) => {
  const { server, base } = await startServer();
  const client = new HttpClient(base, 1, 5_000);
  t.after(() => stop(server, client));
  const written: string[] = [];
  const onHeaders = (message: unknown): void => {
    written.push(/x-probe: (\w+)/.exec((message as { headers: string }).headers)?.[1] ?? '?');
  };
  subscribe('undici:client:sendHeaders', onHeaders);
  t.after(() => unsubscribe('undici:client:sendHeaders', onHeaders));
  // Two connections open and idle (concurrency 1 may use a spare one).
  await Promise.all([client.postJson('/x', { 'x-probe': 'w1' }, {}), client.postJson('/x', { 'x-probe': 'w2' }, {})]);

  await client.postJson('/x', { 'x-probe': 'a' }, {});
  // Here the answer to `a` has just been read (a microtask of the I/O callback): send `b` in its slot.
  const b = client.postJson('/x', { 'x-probe': 'b' }, {});
  const sentBeforeNextTurn = await new Promise<boolean>((resolve) => setImmediate(() => resolve(written.includes('b'))));
  assert.equal(sentBeforeNextTurn, true, 'b waited for the connection of a to be handed back (a loop turn) and checked (another)');
  assert.equal((await b).status, 200);
});

test('HttpClient: never more than twice `concurrency` connections, however many requests are queued', async (t) => {
  const { server, base, connections } = await startServer(20);
  const client = new HttpClient(base, 2, 5_000);
  t.after(() => stop(server, client));
  const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => client.postJson('/x', {}, { i })));
  assert.ok(answers.every((a) => a.status === 200 && a.body === '{"ok":true}'));
  assert.equal(connections(), 4);
});

/** Resolves once `check` holds, polling every few milliseconds (gives up after 2 s). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), 'condition not reached within 2 s');
}

test('HttpClient.preconnect: connections open before any request, and the first requests use them', async (t) => {
  const { server, base, connections } = await startServer();
  const client = new HttpClient(base, 2, 5_000);
  t.after(() => stop(server, client));
  const sockets = new Set<unknown>();
  server.on('request', (req) => sockets.add(req.socket));
  client.preconnect();
  await until(() => connections() === 4);
  const answers = await Promise.all(Array.from({ length: 4 }, () => client.postJson('/x', {}, {})));
  assert.ok(answers.every((a) => a.status === 200));
  assert.equal(connections(), 4, 'no connection was opened besides the four opened ahead');
  assert.equal(sockets.size, 4, 'the four requests went out on the four connections opened ahead');
});

test('HttpClient.preconnect: a connection the server closed or wrote to is not used; close() closes unused ones', async (t) => {
  const { server, base, connections } = await startServer();
  const client = new HttpClient(base, 1, 5_000);
  t.after(() => stop(server, client));
  const open = new Set<Socket>();
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });

  // The server closes both connections opened ahead: the request connects anew instead of failing.
  client.preconnect();
  await until(() => open.size === 2);
  for (const socket of open) socket.destroy();
  await until(() => open.size === 0);
  assert.equal((await client.postJson('/x', {}, {})).status, 200);
  assert.equal(connections(), 3);
  await client.close();

  // A server that answers a request never sent (a 408 on an idle connection, as some do) makes the
  // connection unusable: the client closes it at once.
  const second = new HttpClient(base, 1, 5_000);
  t.after(() => second.close());
  const before = connections();
  second.preconnect();
  await until(() => connections() === before + 2);
  for (const socket of open) socket.write('HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n');
  await until(() => open.size === 0);
  assert.equal((await second.postJson('/x', {}, {})).status, 200);

  // Unused connections opened ahead are closed with the client.
  second.preconnect(2);
  await until(() => open.size === 3);
  await second.close();
  await until(() => open.size === 0);
});

test('HttpClient.preconnect: an endpoint that is down costs nothing more; its requests fail as retryable connection errors', async () => {
  // A port with nothing listening: take one, then close it.
  const { server, base } = await startServer();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const client = new HttpClient(base, 2, 5_000);
  const unhandled: unknown[] = [];
  const onError = (e: unknown): void => void unhandled.push(e);
  process.on('uncaughtException', onError);
  try {
    client.preconnect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(client.postJson('/x', {}, {}), (e: unknown) => e instanceof RetryableError && /connection failed: ECONNREFUSED/.test((e as Error).message));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('uncaughtException', onError);
    await client.close();
  }
});
