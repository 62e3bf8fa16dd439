import type { BenchDocker } from './docker.js';

/**
 * The least a log reader can do: follow a container's output over the engine API with the same
 * request the emulator's capture makes (`follow`, `timestamps`, stdout and stderr), and count the
 * frames (one per stored entry) without decoding them. What such a reader receives per second is
 * what the engine delivers, i.e. the ceiling of any capture that reads through the engine API.
 */
export class FrameCounter {
  frames = 0;
  private readonly header = Buffer.alloc(8);
  private have = 0;
  private skip = 0;

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(8 - this.have, chunk.length - i);
      chunk.copy(this.header, this.have, i, i + n);
      this.have += n;
      i += n;
      if (this.have === 8) {
        this.have = 0;
        this.skip = this.header.readUInt32BE(4);
        this.frames++;
      }
    }
  }
}

export interface EngineFollower {
  readonly counter: FrameCounter;
  stop(): void;
}

export async function followContainer(docker: BenchDocker, id: string): Promise<EngineFollower> {
  const raw = (await docker.api.getContainer(id).logs({ follow: true, stdout: true, stderr: true, timestamps: true })) as unknown as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const counter = new FrameCounter();
  raw.on('data', (chunk: Buffer | string) => counter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk));
  raw.on('error', () => undefined);
  return { counter, stop: () => raw.destroy() };
}
