require('reflect-metadata');
const { Module, Controller, Post, Body, Get, Injectable } = require('@nestjs/common');
const { NestFactory, HttpAdapterHost } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const undici = require('undici');
const http = require('node:http');

class C { echo(b) { return { got: b }; } hi() { return { hi: 1 }; } }
Body()(C.prototype, 'echo', 0);
Post('api/v1/admin/echo')(C.prototype, 'echo', Object.getOwnPropertyDescriptor(C.prototype, 'echo'));
Get('api/v1/customers/:id')(C.prototype, 'hi', Object.getOwnPropertyDescriptor(C.prototype, 'hi'));
Controller()(C);

class Edge {
  constructor(host) { this.host = host; }
  onModuleInit() {
    const f = this.host.httpAdapter.getInstance();
    f.addHook('onRequest', async (req, reply) => { req.log.info?.('x'); reply.header('x-edge', '1'); });
    f.addHook('onResponse', async (req, reply) => { console.log('onResponse', req.method, req.url, reply.statusCode); });
    f.register(async (inst) => {
      inst.removeAllContentTypeParsers();
      inst.addContentTypeParser('*', (req, payload, done) => done(null));
      inst.all('/api/v1/*', async (req, reply) => {
        const upstream = await undici.request('http://127.0.0.1:' + upPort + req.url, { method: req.method, body: ['GET','HEAD'].includes(req.method) ? null : req.raw, headers: { 'content-type': req.headers['content-type'] ?? 'x', ...(req.headers['content-length'] ? {'content-length': req.headers['content-length']} : {}) } });
        reply.code(upstream.statusCode);
        reply.header('content-type', upstream.headers['content-type'] ?? 'text/plain');
        if (upstream.statusCode === 204) { await upstream.body.dump(); return reply.send(); }
        return reply.send(upstream.body);
      });
    });
  }
}
Injectable()(Edge);
Reflect.defineMetadata('design:paramtypes', [HttpAdapterHost], Edge);
class M {}
Module({ controllers: [C], providers: [Edge] })(M);

let upPort;
const up = http.createServer((req, res) => {
  let n = 0; req.on('data', (d) => n += d.length); req.on('end', () => {
    if (req.url.includes('204')) { res.statusCode = 204; return res.end(); }
    res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ url: req.url, method: req.method, bytes: n, te: req.headers['transfer-encoding'] ?? null, cl: req.headers['content-length'] ?? null }));
  });
});
up.listen(0, async () => {
  upPort = up.address().port;
  const app = await NestFactory.create(M, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const show = async (label, p) => { const r = await p; console.log(label, r.status, r.headers.get('x-edge'), await r.text()); };
  await show('own post json', fetch(base + '/api/v1/admin/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }));
  await show('own get', fetch(base + '/api/v1/customers/1'));
  await show('proxy get', fetch(base + '/api/v1/contacts/1?x=1'));
  await show('proxy post json', fetch(base + '/api/v1/contacts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }));
  await show('proxy post no ct', fetch(base + '/api/v1/contacts', { method: 'POST', body: new Uint8Array(5) , headers: {}}));
  await show('proxy post big', fetch(base + '/api/v1/contacts', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(5_000_000) }));
  const { Readable } = require('node:stream');
  await show('proxy chunked', fetch(base + '/api/v1/contacts', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: Readable.toWeb(Readable.from(['a','b','c'])), duplex: 'half' }));
  await show('proxy 204', fetch(base + '/api/v1/contacts/204', { method: 'DELETE' }));
  await show('nest 404', fetch(base + '/nothing'));
  await app.close(); up.close();
});
