// Servers that answer the load client's requests in every awkward way its parser and connection logic must handle
// (tests/peers/load/selftest/run.sh). Listens on 127.0.0.1 at BASE+0 … BASE+7:
//   +0 chunked body in two writes          +4 status 404
//   +1 Connection: close on every answer   +5 answers before reading the request body, then stops reading
//   +2 no length: body runs until close    +6 304 with a Content-Length and no body
//   +3 drops the connection of every 50th request (Content-Length answers otherwise)
//   +7 never answers
// usage: node odd-servers.js BASE
'use strict';
const http = require('http');
const net = require('net');

const base = Number(process.argv[2]);
const listen = (server, offset) => server.listen(base + offset, '127.0.0.1');
const answered = (handler) => http.createServer((req, res) => { req.resume(); req.on('end', () => handler(req, res)); });

listen(answered((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('abc'.repeat(5000));
  setImmediate(() => res.end('tail'));
}), 0);
listen(answered((req, res) => { res.writeHead(200, { connection: 'close' }); res.end('bye'); }), 1);
listen(net.createServer((s) => {
  s.on('error', () => {});
  s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n' + 'x'.repeat(100000)));
}), 2);
let requests = 0;
listen(answered((req, res) => {
  if (++requests % 50 === 0) {
    req.socket.destroy();
  } else {
    res.writeHead(200, { 'content-length': 2 });
    res.end('ok');
  }
}), 3);
listen(answered((req, res) => { res.writeHead(404, { 'content-length': 0 }); res.end(); }), 4);
listen(net.createServer((s) => {
  s.on('error', () => {});
  s.once('data', () => { s.pause(); s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'); });
}), 5);
listen(net.createServer((s) => {
  s.on('error', () => {});
  let buffered = '';
  s.on('data', (d) => {
    buffered += d.toString('latin1');
    for (let end; (end = buffered.indexOf('\r\n\r\n')) >= 0;) {
      const length = Number((/content-length: *(\d+)/i.exec(buffered.slice(0, end)) || [0, 0])[1]);
      if (buffered.length < end + 4 + length) break;
      buffered = buffered.slice(end + 4 + length);
      s.write('HTTP/1.1 304 Not Modified\r\ncontent-length: 1234\r\n\r\n');
    }
  });
}), 6);
listen(net.createServer((s) => { s.on('error', () => {}); s.on('data', () => {}); }), 7);
