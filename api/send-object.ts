import type { FastifyReply } from 'fastify';
import { Problem } from '../core/errors';
import type { ObjectStore } from '../core/store/port';
import { decideRange } from './range';

export interface ObjectToSend {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  disposition?: string;
  /** Runs once the request is known to be served (e.g. to record a custody event); gets the range served. */
  beforeSend?: (range: string) => Promise<unknown>;
}

/** Streams a stored object with HTTP Range: 200 whole, 206 one range, 416 for a range past the end. */
export async function sendObject(store: ObjectStore, reply: FastifyReply, rangeHeader: string | undefined, object: ObjectToSend) {
  const { size } = object;
  const range = decideRange(rangeHeader, size);
  reply.header('accept-ranges', 'bytes').header('etag', `"${object.sha256}"`).type(object.contentType);
  if (object.disposition) reply.header('content-disposition', object.disposition);
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    throw new Problem(416, 'Range Not Satisfiable', `the object is ${size} bytes`);
  }
  await object.beforeSend?.(range.kind === 'partial' ? `${range.start}-${range.end}` : 'full');
  if (range.kind === 'full' || size === 0) {
    reply.header('content-length', String(size));
    return reply.send(size === 0 ? '' : await store.get(object.key));
  }
  reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', String(range.end - range.start + 1));
  return reply.send(await store.get(object.key, range));
}
