import type Dockerode from 'dockerode';
import { dockerMessage, isUnreachable, tolerate } from './docker-errors.js';
import { readProgressStream } from './docker-json-stream.js';
import type { RegistryCredentials } from './types.js';

interface AuthConfig {
  username: string;
  password: string;
  serveraddress: string;
}

function authFor(credentials: RegistryCredentials | undefined): AuthConfig | undefined {
  if (!credentials?.username) return undefined;
  return { username: credentials.username, password: credentials.password ?? '', serveraddress: credentials.server };
}

async function localImageId(docker: Dockerode, image: string): Promise<string | null> {
  return tolerate(async () => (await docker.getImage(image).inspect()).Id, [404], null);
}

/**
 * Credentials go through dockerode's `auth` argument, which becomes the X-Registry-Auth header.
 * Passed as `options.authconfig` instead, dockerode would also copy them into the query string.
 */
function pullStream(docker: Dockerode, image: string, auth: AuthConfig | undefined): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.pull(
      image,
      {},
      (err: unknown, stream?: NodeJS.ReadableStream) => {
        if (err) reject(err instanceof Error ? err : new Error(dockerMessage(err)));
        else if (!stream) reject(new Error('the engine returned no pull stream'));
        else resolve(stream);
      },
      auth,
    );
  });
}

/**
 * Uses the local image when present — a pool never re-pulls a tag it already has, like a node with
 * the image cached — and otherwise pulls it, following the progress stream to its end: the engine
 * reports most pull failures (denied, manifest unknown) inside a 200 stream, not as an HTTP error.
 */
export async function ensureImage(
  docker: Dockerode,
  image: string,
  credentials?: RegistryCredentials,
): Promise<{ pulled: boolean; imageId: string }> {
  const local = await localImageId(docker, image);
  if (local) return { pulled: false, imageId: local };

  const auth = authFor(credentials);
  try {
    await readProgressStream(await pullStream(docker, image, auth));
  } catch (err) {
    if (isUnreachable(err)) throw err;
    throw new Error(`pulling ${image} failed: ${dockerMessage(err)}`, { cause: err });
  }
  const pulled = await localImageId(docker, image);
  if (!pulled) throw new Error(`pulling ${image} finished but the engine does not have the image`);
  return { pulled: true, imageId: pulled };
}
