// IP_ADDRESS: IPv4 and IPv6 forms, and dotted or coloned text that is neither.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { found, scoreOf } from './helpers.js';

test('IPv4 addresses with valid octets', () => {
  assert.deepEqual(found('hosts 192.168.1.10, 8.8.8.8 and 255.255.255.255.', 'IP_ADDRESS'), ['192.168.1.10', '8.8.8.8', '255.255.255.255']);
  assert.equal(scoreOf('host 10.0.0.1', 'IP_ADDRESS'), 0.6);
});

test('IPv6 addresses in their usual forms', () => {
  for (const ip of ['2001:db8::8a2e:370:7334', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'fe80::1ff:fe23:4567:890a', '::ffff:192.0.2.128']) {
    assert.deepEqual(found(`peer ${ip} connected.`, 'IP_ADDRESS'), [ip], ip);
  }
});

test('dotted and coloned things that are not addresses', () => {
  for (const text of [
    'octet out of range 999.1.1.1',
    'five parts 1.2.3.4.5',
    'version v1.2.3.4',
    'three parts 1.2.3',
    'leading zero 010.1.1.1',
    'C++ std::vector<int> and Abc::Def',
    'time 12:30:45',
    'MAC 00:1A:2B:3C:4D:5E',
    'loopback ::1 is too short to tell',
    'ratio a::b',
  ]) {
    assert.deepEqual(found(text, 'IP_ADDRESS'), [], text);
  }
});
