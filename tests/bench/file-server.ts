import { spawn } from 'node:child_process';

/**
 * The Range baseline through a socket: a bare node:http server in its own process that answers
 * `GET /<path>` with `Range: bytes=a-b` by piping the file's range from disk (1 MiB reads, as the
 * disk read of range-read.ts), with no framework, no authentication, no scope and no records.
 * Read by the same client as the platform, it costs the client what the platform costs it, so the
 * ratio to it is what the platform adds to serving the file from disk (tests/bench/range-read.ts).
 */
const SOURCE = `
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const [root] = process.argv.slice(1);
http.createServer((req, res) => {
  const range = /^bytes=(\\d+)-(\\d+)$/.exec(req.headers.range ?? '');
  if (!range) return res.writeHead(416).end();
  const [start, end] = [Number(range[1]), Number(range[2])];
  const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const size = fs.statSync(file).size;
  res.writeHead(206, { 'content-length': end - start + 1, 'content-range': 'bytes ' + start + '-' + end + '/' + size });
  fs.createReadStream(file, { start, end, highWaterMark: 1 << 20 }).pipe(res);
}).listen(0, '127.0.0.1', function () { console.log('listening on ' + this.address().port); });
`;

/** Serves the files under `root` on a free loopback port until stopped. */
export async function startFileServer(root: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', SOURCE, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const listening = /listening on (\d+)/.exec(d.toString());
      if (listening) resolve(listening[1]!);
    });
    child.once('exit', (code) => reject(new Error(`file server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
