import { Transform, pipeline, type Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { Problem } from '../core/errors';
import { DualHasher } from '../core/hashing';
import type { Observed } from '../core/fixity';
import { ObjectNotFoundError, type ObjectStore } from '../core/store/port';
import { decideRange } from './range';

export interface ObjectToSend {
  key: string;
  size: number;
  /** Sent as a strong ETag; only for bytes known to have this hash (checked, not merely recorded). A promise is looked up while the object opens. */
  sha256?: string | Promise<string | undefined>;
  contentType: string;
  disposition?: string;
  /** Runs once the request is known to be served (e.g. to record a custody event); gets the range served. */
  beforeSend?: (range: string) => Promise<unknown>;
  /** Gets what a whole-object read actually found (hashed as it was served, or missing); before the response ends. */
  observe?: (observed: Observed) => Promise<void>;
}

/** Streams a stored object with HTTP Range: 200 whole, 206 one range, 416 for a range past the end. */
export async function sendObject(store: ObjectStore, reply: FastifyReply, rangeHeader: string | undefined, object: ObjectToSend) {
  const { size } = object;
  const range = decideRange(rangeHeader, size);
  reply.header('accept-ranges', 'bytes').type(object.contentType);
  if (object.disposition) reply.header('content-disposition', object.disposition);
  if (range.kind === 'unsatisfiable') {
    await etag(reply, object.sha256);
    reply.header('content-range', `bytes */${size}`);
    throw new Problem(416, 'Range Not Satisfiable', `the object is ${size} bytes`);
  }
  const whole = range.kind === 'full' || size === 0;
  // Opened before anything is recorded as served: a missing object is not a read. The ETag is looked up meanwhile.
  const [opened, tagged] = await Promise.allSettled([size === 0 ? undefined : open(store, object, whole ? undefined : range), etag(reply, object.sha256)]);
  if (opened.status === 'rejected') throw opened.reason;
  const body = opened.value;
  try {
    if (tagged.status === 'rejected') throw tagged.reason;
    await object.beforeSend?.(whole ? 'full' : `${range.start}-${range.end}`);
  } catch (err) {
    body?.destroy();
    throw err;
  }
  if (whole) {
    reply.header('content-length', String(size));
    return reply.send(body && object.observe ? hashing(body, object.observe, reply) : (body ?? ''));
  }
  reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', String(range.end - range.start + 1));
  return reply.send(body);
}

/** Sets the ETag once its value (or that there is none) is known. */
async function etag(reply: FastifyReply, sha256: ObjectToSend['sha256']): Promise<void> {
  const value = await sha256;
  if (value) reply.header('etag', `"${value}"`);
}

async function open(store: ObjectStore, object: ObjectToSend, range: { start: number; end: number } | undefined): Promise<Readable> {
  try {
    return await store.get(object.key, range);
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
    if (!object.observe) throw err;
    await object.observe({ kind: 'missing' });
    throw new Problem(500, 'Internal Server Error', 'the stored bytes of this object are missing; the failure is recorded');
  }
}

/** Passes the body through, hashing it; once it has all been read, `observe` gets the digests. */
function hashing(body: Readable, observe: (observed: Observed) => Promise<void>, reply: FastifyReply): Readable {
  const hasher = new DualHasher();
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      observe({ kind: 'read', bytes: hasher.bytes, ...hasher.digest() }).then(
        () => callback(),
        (err: unknown) => {
          reply.log.warn({ err: String(err) }, 'could not record the fixity of a full read');
          callback();
        },
      );
    },
  });
  return pipeline(body, tap, () => {}); // errors and aborts reach the reply through `tap`
}
