import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { resolveDockerEndpoint } from '../../emulator/runtime/docker-endpoint.js';
import { statusOf } from '../../emulator/runtime/docker-errors.js';
import { readProgressStream } from '../../emulator/runtime/docker-json-stream.js';

/**
 * Images for the Docker-backed tests, built offline (no registry is needed or contacted) from
 * binaries on this host. Each tag ends in a hash of its recipe and inputs, so an unchanged image is
 * found by `inspect` and reused at once, and a changed input (a new Node, an edited echo server)
 * gets a new tag instead of a stale image. Big binaries are fingerprinted by size and mtime rather
 * than read (hashing the 100 MB node binary would cost every test run a few hundred ms).
 *
 * Concurrent test workers may build the same tag at once; both builds produce the same content and
 * the last tag wins, so the race is harmless.
 */

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const echoServerDir = path.join(here, 'echo-server');
const sampleSessionDir = path.resolve(here, '../../resources/sample-session');
const BUSYBOX = '/bin/busybox';
const IMAGE_LABELS = { 'io.sessionite.test-image': 'true' };
const CONTENT_HASH_LIMIT = 8 * 1024 * 1024;

let client: Dockerode | undefined;
function docker(): Dockerode {
  client ??= new Dockerode(resolveDockerEndpoint().options);
  return client;
}

const building = new Map<string, Promise<string>>();
/** One build per key and process; a failed build may be retried by the next caller. */
function memo(key: string, build: () => Promise<string>): Promise<string> {
  let pending = building.get(key);
  if (!pending) {
    pending = build();
    building.set(key, pending);
    void pending.catch(() => building.delete(key));
  }
  return pending;
}

async function fingerprint(file: string): Promise<string> {
  const info = await stat(file);
  if (info.size > CONTENT_HASH_LIMIT) return `${file}:${info.size}:${info.mtimeMs}`;
  return `${file}:${createHash('sha256').update(await readFile(file)).digest('hex')}`;
}

function shortHash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 12);
}

async function imageExists(tag: string): Promise<boolean> {
  try {
    await docker().getImage(tag).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

interface ContextFile {
  /** Path inside the build context. */
  name: string;
  from?: string;
  text?: string;
}

/** Builds `tag` from a temporary context assembled from `files` (copies dereference symlinks). */
async function build(tag: string, files: ContextFile[], buildargs: Record<string, string> = {}): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sessionite-image-'));
  try {
    for (const file of files) {
      const target = path.join(dir, file.name);
      await mkdir(path.dirname(target), { recursive: true });
      if (file.text !== undefined) await writeFile(target, file.text);
      else if (file.from) {
        await copyFile(file.from, target);
        await chmod(target, (await stat(file.from)).mode & 0o777);
      }
    }
    const stream = await docker().buildImage(
      { context: dir, src: ['.'] },
      { t: tag, buildargs, labels: IMAGE_LABELS, rm: true, forcerm: true },
    );
    await readProgressStream(stream);
  } catch (err) {
    throw new Error(`building test image ${tag} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (!(await imageExists(tag))) throw new Error(`building test image ${tag} reported success but left no image`);
}

async function ensureBuilt(tag: string, assemble: () => Promise<{ files: ContextFile[]; buildargs?: Record<string, string> }>): Promise<string> {
  if (await imageExists(tag)) return tag;
  const { files, buildargs } = await assemble();
  await build(tag, files, buildargs);
  return tag;
}

const busyboxDockerfile = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp && chmod 1777 /tmp
ENV PATH=/bin
`;

/** `FROM scratch` + the host's static busybox with every applet linked into /bin. */
export function ensureBusyboxImage(): Promise<string> {
  return memo('busybox', async () => {
    const tag = `sessionite-test/busybox:${shortHash([busyboxDockerfile, await fingerprint(BUSYBOX)])}`;
    return ensureBuilt(tag, async () => ({
      files: [
        { name: 'Dockerfile', text: busyboxDockerfile },
        { name: 'busybox', from: BUSYBOX },
      ],
    }));
  });
}

/** The shared libraries `ldd` reports for `binary`, and its dynamic loader (absolute host paths). */
export async function sharedLibraries(binary: string): Promise<string[]> {
  let output: string;
  try {
    output = (await execFileAsync('ldd', [binary])).stdout;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // A static binary: glibc's ldd exits 1 with "not a dynamic executable".
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    throw new Error(`ldd ${binary} failed (the node base image needs a Linux host): ${text}`, { cause: err });
  }
  const libraries: string[] = [];
  for (const line of output.split('\n')) {
    if (/=>\s*not found/.test(line)) throw new Error(`ldd ${binary}: ${line.trim()}`);
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match?.[1]) libraries.push(match[1]);
  }
  return libraries;
}

const nodeBaseDockerfile = `FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /app /root /etc && chmod 1777 /tmp \
 && printf 'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\\n' > /etc/passwd \
 && printf 'root:x:0:\\nnobody:x:65534:\\n' > /etc/group
ENV PATH=/usr/local/bin:/usr/bin:/bin
WORKDIR /app
CMD ["node"]
`;

/**
 * The host's own `node` with exactly the libraries it links (copied to the paths `ldd` names, the
 * loader included) plus busybox as /bin/sh. Its passwd knows only root and nobody (no `node` user).
 */
export function ensureNodeBaseImage(): Promise<string> {
  return memo('node-base', async () => {
    const nodeBinary = process.execPath;
    const libraries = await sharedLibraries(nodeBinary);
    const inputs = await Promise.all([nodeBinary, BUSYBOX, ...libraries].map(fingerprint));
    const tag = `sessionite-test/node-base:${process.versions.node}-${shortHash([nodeBaseDockerfile, ...inputs])}`;
    return ensureBuilt(tag, async () => ({
      files: [
        { name: 'Dockerfile', text: nodeBaseDockerfile },
        { name: 'rootfs/usr/local/bin/node', from: nodeBinary },
        { name: 'rootfs/bin/busybox', from: BUSYBOX },
        ...libraries.map((library) => ({ name: path.join('rootfs', library), from: library })),
      ],
    }));
  });
}

/** Builds an image from `baseTag` plus the given source files, hashed by content. */
async function appImage(repository: string, dockerfile: string, sourceDir: string, sources: string[], baseTag: string): Promise<string> {
  const inputs = await Promise.all(sources.map((name) => fingerprint(path.join(sourceDir, name))));
  const tag = `${repository}:${shortHash([dockerfile, baseTag, ...inputs])}`;
  return ensureBuilt(tag, async () => ({
    files: [
      { name: 'Dockerfile', text: dockerfile },
      ...sources.filter((name) => name !== 'Dockerfile').map((name) => ({ name, from: path.join(sourceDir, name) })),
    ],
    buildargs: { BASE_IMAGE: baseTag },
  }));
}

const echoDockerfile = `ARG BASE_IMAGE
FROM \${BASE_IMAGE}
WORKDIR /app
COPY package.json server.js websocket.js ./
EXPOSE 8080
CMD ["node", "/app/server.js"]
`;

/** The echo server of `tests/support/echo-server/` on the node base image. */
export function ensureEchoImage(): Promise<string> {
  return memo('echo', async () =>
    appImage('sessionite-test/echo', echoDockerfile, echoServerDir, ['package.json', 'server.js', 'websocket.js'], await ensureNodeBaseImage()),
  );
}

/** `resources/sample-session/` built from its own Dockerfile on the node base image. */
export function ensureSampleImage(): Promise<string> {
  return memo('sample', async () => {
    const dockerfile = await readFile(path.join(sampleSessionDir, 'Dockerfile'), 'utf8');
    const sources = ['Dockerfile', 'package.json', 'server.js'];
    return appImage('sessionite-test/sample-session', dockerfile, sampleSessionDir, sources, await ensureNodeBaseImage());
  });
}
