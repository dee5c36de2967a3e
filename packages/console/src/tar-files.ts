// A gzip-compressed tar of named files in memory, both ways (tar-stream does the format).
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import tar from 'tar-stream';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export async function packFiles(files: ReadonlyMap<string, Uint8Array>, mtime: Date): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, data] of files) {
    await new Promise<void>((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o644, mtime }, Buffer.from(data), (err) => (err ? reject(err) : resolve())));
  }
  pack.finalize();
  await done;
  return gzipAsync(Buffer.concat(chunks));
}

/** The regular files of a .tar.gz, by name; refuses more than `maxBytes` unpacked. */
export async function unpackFiles(gz: Uint8Array, maxBytes: number): Promise<Map<string, Buffer>> {
  const tarBytes = await gunzipAsync(gz, { maxOutputLength: maxBytes });
  const extract = tar.extract();
  const files = new Map<string, Buffer>();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => parts.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name, Buffer.concat(parts));
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([tarBytes]).pipe(extract);
  await done;
  return files;
}
