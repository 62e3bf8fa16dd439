import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodeIcns, encodeIco, encodePng } from './icon-formats.js';
import { render, circle } from './draw.js';

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('icon encoders', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes PNGs whose pixels read back unchanged', () => {
    const pixels = render(4, [{ sdf: circle(0.5, 0.5, 0.4), color: () => [255, 0, 0] }]);
    const png = encodePng(4, 4, pixels);
    expect(pngSize(png)).toEqual({ width: 4, height: 4 });
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    expect(png.readUInt32BE(41 + idatLength)).toBe(crc32(png.subarray(37, 41 + idatLength)));
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    const rows = Array.from({ length: 4 }, (_, y) => raw.subarray(y * 17 + 1, y * 17 + 17));
    expect(Buffer.concat(rows)).toEqual(Buffer.from(pixels));
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow('expected 16 bytes');
  });

  it('packs PNGs into ICO and ICNS containers', () => {
    const png = encodePng(1, 1, new Uint8Array(4));
    const ico = encodeIco([
      { size: 16, png },
      { size: 256, png },
    ]);
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(2);
    expect([ico[6], ico[22]]).toEqual([16, 0]);
    expect(ico.readUInt32LE(6 + 12)).toBe(6 + 32);
    const icns = encodeIcns([{ size: 512, png }]);
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.toString('ascii', 8, 12)).toBe('ic09');
    expect(() => encodeIcns([{ size: 20, png }])).toThrow('no ICNS type');
  });
});

describe('committed icons (npm run icons)', () => {
  const icons = new URL('../../resources/icons/', import.meta.url);

  it('has the window, installer and tray icons that electron-builder.yml and the tray use', async () => {
    expect(pngSize(await readFile(new URL('icon.png', icons)))).toEqual({ width: 512, height: 512 });
    expect((await readFile(new URL('icon.icns', icons))).toString('ascii', 0, 4)).toBe('icns');
    expect((await readFile(new URL('icon.ico', icons))).readUInt16LE(2)).toBe(1);
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(await readFile(new URL(`linux/${size}x${size}.png`, icons)))).toEqual({
        width: size,
        height: size,
      });
    }
    for (const state of ['running', 'degraded', 'docker-missing', 'idle']) {
      expect(pngSize(await readFile(new URL(`tray/${state}.png`, icons)))).toEqual({ width: 16, height: 16 });
      expect(pngSize(await readFile(new URL(`tray/${state}@2x.png`, icons)))).toEqual({
        width: 32,
        height: 32,
      });
    }
  });
});
