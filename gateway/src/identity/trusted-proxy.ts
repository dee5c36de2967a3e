// Identity headers set by an authenticating reverse proxy: believed only when the connection
// comes straight from one of the configured proxy addresses, ignored from anyone else.
import { BlockList, isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { TrustedProxyConfig } from '../config/schema.js';
import { identityError } from './auth-failure.js';
import type { Principal } from './principal.js';

export interface TrustedProxy {
  /** The header names this proxy asserts identity with. */
  readonly headers: readonly string[];
  /**
   * The person the proxy asserts, undefined when no identity header is present or the peer is
   * not a trusted proxy (the headers are then ignored). Throws a refusal for malformed values.
   */
  personOf(headers: IncomingHttpHeaders, remoteAddress: string | undefined): Principal | undefined;
  /** True when the peer may assert identity. */
  trusts(remoteAddress: string | undefined): boolean;
}

/** Parses `10.0.0.0/8`, `192.168.1.7`, `fd00::/8` or `::1`; returns a problem text or undefined. */
export function addSource(list: BlockList, source: string): string | undefined {
  const [address = '', bits, extra] = source.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${source}" is not an IP address or CIDR`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined) {
    list.addAddress(address, type);
    return undefined;
  }
  const prefix = Number(bits);
  if (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return `"${source}" has an invalid prefix length`;
  list.addSubnet(address, prefix, type);
  return undefined;
}

/** The peer address as BlockList wants it: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4. */
function normalise(address: string): { address: string; type: 'ipv4' | 'ipv6' } | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped?.[1] ?? address;
  const family = isIP(plain);
  if (family === 0) return undefined;
  return { address: plain, type: family === 4 ? 'ipv4' : 'ipv6' };
}

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : value.join(',');
  return value;
}

const PRINTABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export function createTrustedProxy(config: TrustedProxyConfig): TrustedProxy {
  const list = new BlockList();
  for (const source of config.sources) {
    const problem = addSource(list, source);
    if (problem) throw new Error(problem);
  }
  const trusts = (remoteAddress: string | undefined): boolean => {
    const peer = remoteAddress === undefined ? undefined : normalise(remoteAddress);
    return peer !== undefined && list.check(peer.address, peer.type);
  };
  return {
    headers: [config.user_header, config.groups_header, config.email_header],
    trusts,
    personOf(headers, remoteAddress) {
      const user = single(headers[config.user_header]);
      if (user === undefined || !trusts(remoteAddress)) return undefined;
      // A comma means the header came twice (the proxy appended to a caller's value): never guess which is real.
      if (user.includes(',') || !PRINTABLE.test(user) || user.length > 256) {
        throw identityError('GW_ERR_AUTH_MALFORMED', `The ${config.user_header} header from the proxy is malformed.`);
      }
      const groups = (single(headers[config.groups_header]) ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== '');
      const principal: Principal = { sub: user, iss: config.issuer, roles: config.groups_as_roles ? [...groups] : [], groups, auth: 'proxy' };
      const email = single(headers[config.email_header]);
      if (email !== undefined && email !== '' && !email.includes(',') && PRINTABLE.test(email)) principal.email = email;
      return principal;
    },
  };
}
