/** IPv4 CIDR membership (IPv4-mapped IPv6 addresses such as ::ffff:172.18.0.2 included). */
function ipv4ToInt(address: string): number | undefined {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  const parts = plain.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function inCidr(address: string, cidr: string): boolean {
  const [base = '', bitsText = '32'] = cidr.split('/');
  const ip = ipv4ToInt(address);
  const net = ipv4ToInt(base);
  const bits = Number(bitsText);
  if (ip === undefined || net === undefined || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(net / size);
}
