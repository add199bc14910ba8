#include "DevServerProxy.h"

#include "core/SourceChange.h"

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// The proxy of DevServerProxy.h: script text, kept here as data. Arguments after node's own `--`:
// <public port> <dev port> <listed|any> [<origin>...] -- <command...>.
constexpr char ProxyJs[] = R"JS('use strict';
const http = require('http');
const net = require('net');
const os = require('os');
const { spawn } = require('child_process');

const fail = (message, code) => { console.error(`Forge preview proxy: ${message}`); process.exit(code); };
const args = process.argv.slice(1);
const split = args.indexOf('--');
if (split < 3 || split === args.length - 1)
  fail('usage: node -e <script> -- <public port> <dev port> <listed|any> [<origin>...] -- <command...>', 2);
const [publicArg, devArg, hostsArg, ...originArgs] = args.slice(0, split);
const command = args.slice(split + 1);
const publicPort = Number(publicArg);
const devPort = Number(devArg);
const validPort = (port) => Number.isInteger(port) && port > 0 && port <= 65535;
if (!validPort(publicPort) || !validPort(devPort) || publicPort === devPort)
  fail(`invalid ports "${publicArg}" and "${devArg}"`, 2);
const anyHost = hostsArg === 'any';

// What the dev server accepts from anyone: a page of its own at http://localhost:<dev port>.
const local = `localhost:${devPort}`;
const localOrigin = `http://${local}`;
const parse = (text) => { try { return new URL(text); } catch { return null; } };
const listed = originArgs.map(parse).filter((url) => url && (url.protocol === 'http:' || url.protocol === 'https:'));
const listedOrigins = new Set(listed.map((url) => url.origin));
const listedHosts = new Map(listed.map((url) => [url.host, url.origin]));
const devOrigins = new Set([localOrigin, `http://127.0.0.1:${devPort}`, `http://0.0.0.0:${devPort}`,
  `http://[::1]:${devPort}`]);

const lower = (value) => (typeof value === 'string' ? value.toLowerCase() : '');
// The preview's own host: the listed ones; any behind a cloud proxy (only that proxy reaches us).
const isOwnHost = (host) => !!host && (anyHost || listedHosts.has(host));
// The preview's own origin: a listed one, or behind a cloud proxy the origin of the Host itself.
// Never another site's: its requests keep their Origin and the dev server judges them.
const isOwnOrigin = (url, host) => !!url && (listedOrigins.has(url.origin) || (anyHost && !!host && url.host === host));

// The request's headers as the dev server gets them, and the preview origin to map answers back to.
function rewriteRequest(headers) {
  const out = Object.assign({}, headers);
  const host = lower(headers.host);
  const origin = typeof headers.origin === 'string' ? parse(headers.origin) : null;
  const originOwn = isOwnOrigin(origin, host);
  if (isOwnHost(host)) out.host = local;
  if (originOwn) out.origin = localOrigin;
  if (typeof headers.referer === 'string') {
    const referer = parse(headers.referer);
    if (isOwnOrigin(referer, host) && lower(headers.referer).startsWith(referer.origin))
      out.referer = localOrigin + headers.referer.slice(referer.origin.length);
  }
  if (isOwnHost(lower(headers['x-forwarded-host']))) out['x-forwarded-host'] = local;
  let publicOrigin = null;
  if (originOwn) publicOrigin = origin.origin;
  else if (listedHosts.has(host)) publicOrigin = listedHosts.get(host);
  else if (anyHost && listed.length > 0) publicOrigin = listed[0].origin;
  return { headers: out, publicOrigin };
}

function toPublic(location, publicOrigin) {
  const url = parse(location);
  if (!url || !devOrigins.has(url.origin) || !lower(location).startsWith(url.origin)) return location;
  return publicOrigin + location.slice(url.origin.length);
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);
function rewriteResponse(headers, publicOrigin) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!hopByHop.has(name)) out[name] = value;
  }
  if (publicOrigin) {
    if (typeof out.location === 'string') out.location = toPublic(out.location, publicOrigin);
    if (out['access-control-allow-origin'] === localOrigin) out['access-control-allow-origin'] = publicOrigin;
  }
  return out;
}

// The dev server on its port: 127.0.0.1 first, ::1 when nothing listens there (a server on
// "localhost" that resolved to ::1); the address that answered is tried first next time.
let preferred = ['127.0.0.1', '::1'];
function connectUpstream(done) {
  const order = preferred;
  const attempt = (index) => {
    const socket = net.connect({ host: order[index], port: devPort });
    const onError = (error) => {
      socket.destroy();
      if (index + 1 < order.length) attempt(index + 1);
      else done(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      if (index > 0) preferred = [order[index], ...order.filter((_, i) => i !== index)];
      done(null, socket);
    });
  };
  attempt(0);
}

const notAnswering = `Forge preview proxy: nothing answers on the dev server's port ${devPort} (yet).\n`;
const server = http.createServer((req, res) => {
  const { headers, publicOrigin } = rewriteRequest(req.headers);
  connectUpstream((error, socket) => {
    if (error) {
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(notAnswering);
      return;
    }
    const upstream = http.request({ method: req.method, path: req.url, headers, createConnection: () => socket });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode, answer.statusMessage, rewriteResponse(answer.headers, publicOrigin));
      res.flushHeaders();
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (res.headersSent) {
        res.destroy();
      } else {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(notAnswering);
      }
    });
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
    req.pipe(upstream);
  });
});

// WebSocket upgrades (HMR): the request line and headers, rewritten, then bytes both ways.
const rewrittenNames = ['host', 'origin', 'referer', 'x-forwarded-host'];
server.on('upgrade', (req, client, head) => {
  const { headers } = rewriteRequest(req.headers);
  client.on('error', () => client.destroy());
  connectUpstream((error, upstream) => {
    if (error) {
      client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (!rewrittenNames.includes(req.rawHeaders[i].toLowerCase()))
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    for (const name of rewrittenNames) {
      if (typeof headers[name] === 'string') lines.push(`${name}: ${headers[name]}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head && head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
    const end = () => { upstream.destroy(); client.destroy(); };
    upstream.on('error', end);
    upstream.on('close', end);
    client.on('close', end);
  });
});

// The dev server: started once the public port is ours, with our standard streams; its end is ours.
let child = null;
const onListenError = (error) => fail(error.code === 'EADDRINUSE'
  ? `port ${publicPort} is already in use (EADDRINUSE)`
  : `cannot listen on port ${publicPort}: ${error.message}`, 1);
server.once('error', onListenError);
server.listen(publicPort, '0.0.0.0', () => {
  server.removeListener('error', onListenError);
  server.on('error', (error) => console.error(`Forge preview proxy: ${error.message}`));
  child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  child.on('error', (error) => fail(`cannot run ${command[0]}: ${error.message}`, 127));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 1000);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else process.exit(128 + os.constants.signals[signal]);
  });
}
)JS";

} // namespace

bool usesDevServerProxy(Framework framework, RunMode mode)
{
    // The dev servers that run a hot-reload client are the ones that check the Host and Origin of
    // its socket (see the header); production servers and plain Node servers check neither.
    return mode == RunMode::Dev && hasHotReload(framework);
}

QStringList previewOrigins(const QUrl& previewUrl)
{
    if (previewUrl.host().isEmpty() ||
        (previewUrl.scheme() != u"http"_s && previewUrl.scheme() != u"https"_s))
        return {};
    QUrl origin;
    origin.setScheme(previewUrl.scheme());
    origin.setHost(previewUrl.host().toLower());
    const int defaultPort = previewUrl.scheme() == u"https"_s ? 443 : 80;
    if (previewUrl.port() > 0 && previewUrl.port() != defaultPort)
        origin.setPort(previewUrl.port());
    return {origin.toString(QUrl::FullyEncoded)};
}

QStringList devServerProxyCommand(int publicPort, int devPort, ProxyHosts hosts, const QStringList& origins,
                                  const QStringList& devCommand)
{
    QStringList command{u"node"_s,
                        u"-e"_s,
                        devServerProxyScript(),
                        u"--"_s,
                        QString::number(publicPort),
                        QString::number(devPort),
                        hosts == ProxyHosts::Any ? u"any"_s : u"listed"_s};
    command += origins;
    command.append(u"--"_s);
    command += devCommand;
    return command;
}

QString devServerProxyScript()
{
    return QString::fromUtf8(ProxyJs);
}

} // namespace forge
