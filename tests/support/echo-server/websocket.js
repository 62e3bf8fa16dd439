// A minimal RFC 6455 echo endpoint (no npm dependencies in the test image): handshake, masked client
// frames, fragmentation, ping/pong and the closing handshake. Messages come back unmasked, whole,
// with the opcode they arrived with.
import { createHash } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

function frame(opcode, payload) {
  const length = payload.length;
  let header;
  if (length < 126) {
    header = Buffer.from([0, length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(length, 2);
    header[1] = 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(BigInt(length), 2);
    header[1] = 127;
  }
  header[0] = 0x80 | opcode;
  return Buffer.concat([header, payload]);
}

/** Parses one frame at the start of `buffer`; null when more bytes are needed. */
function parseFrame(buffer) {
  if (buffer.length < 2) return null;
  const fin = (buffer[0] & 0x80) !== 0;
  const opcode = buffer[0] & 0x0f;
  const masked = (buffer[1] & 0x80) !== 0;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return null;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buffer[maskOffset + (i % 4)];
  return { fin, opcode, payload, size: offset + length };
}

function reject(socket, status) {
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

export function handleUpgrade(req, socket, head) {
  const url = new URL(req.url, 'http://session');
  const key = req.headers['sec-websocket-key'];
  if (url.pathname !== '/ws') return reject(socket, '404 Not Found');
  if ((req.headers.upgrade || '').toLowerCase() !== 'websocket' || !key || req.headers['sec-websocket-version'] !== '13') {
    return reject(socket, '400 Bad Request');
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  const protocol = (req.headers['sec-websocket-protocol'] || '').split(',')[0].trim();
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n' +
      `sec-websocket-accept: ${accept}\r\n${protocol ? `sec-websocket-protocol: ${protocol}\r\n` : ''}\r\n`,
  );
  socket.setNoDelay(true);

  let buffer = Buffer.alloc(0);
  let message = null; // { opcode, parts, bytes } while a fragmented message is in flight
  const onData = (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let parsed = parseFrame(buffer); parsed; parsed = parseFrame(buffer)) {
      buffer = buffer.subarray(parsed.size);
      if (!handleFrame(parsed)) return;
    }
  };
  const handleFrame = ({ fin, opcode, payload }) => {
    if (opcode === 0x8) {
      socket.end(frame(0x8, payload.subarray(0, 125)));
      return false;
    }
    if (opcode === 0x9) return socket.write(frame(0xa, payload)), true;
    if (opcode === 0xa) return true;
    if (opcode !== 0x0) message = { opcode, parts: [], bytes: 0 };
    if (!message) return socket.destroy(), false;
    message.parts.push(payload);
    message.bytes += payload.length;
    if (message.bytes > MAX_MESSAGE_BYTES) {
      socket.end(frame(0x8, Buffer.from([0x03, 0xf1]))); // 1009: message too big
      return false;
    }
    if (fin) {
      socket.write(frame(message.opcode, Buffer.concat(message.parts)));
      message = null;
    }
    return true;
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
  if (head && head.length > 0) onData(head);
}
