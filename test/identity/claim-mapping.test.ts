// Claim mapping for the token shapes of common identity providers (as their documentation
// describes them), the RFC 8693 act chain, and the bounded introspection cache.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { actorChain, claimAt, claimMapping, mapClaims, MAX_ACTOR_DEPTH } from '../../gateway/src/identity/claims.js';
import { createExpiringLru } from '../../gateway/src/identity/expiring-lru.js';

const base = { roles_claim: 'roles', tenant_claim: 'tenant' };

describe('claim mapping', () => {
  it('Keycloak: realm and client roles, groups, custom attributes', () => {
    const token = {
      realm_access: { roles: ['analyst', 'offline_access'] },
      resource_access: { palisade: { roles: ['pii-reader'] }, account: { roles: ['view-profile'] } },
      groups: ['/emea/finance'],
      email: 'ana@corp.example',
      azp: 'reporting-ui',
      department: 'finance',
    };
    const mapping = claimMapping({ ...base, claims: { roles: ['realm_access.roles', 'resource_access.palisade.roles'], department: 'department' } });
    assert.deepEqual(mapClaims(token, mapping), {
      roles: ['analyst', 'offline_access', 'pii-reader'],
      groups: ['/emea/finance'],
      email: 'ana@corp.example',
      department: 'finance',
      app: 'reporting-ui',
    });
  });

  it('Microsoft Entra ID: app roles in roles, group object ids in groups, tid as tenant, appid/azp as app', () => {
    const token = {
      roles: ['Palisade.PiiReader'],
      groups: ['5f0c1a9e-1111-2222-3333-444455556666'],
      tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      preferred_username: 'ana@contoso.com',
      azp: '0b4e1c6a-aaaa-bbbb-cccc-ddddeeeeffff',
      oid: '00000000-0000-0000-66f3-3332eca7ea81',
    };
    const mapping = claimMapping({ ...base, claims: { tenant: 'tid', email: 'preferred_username', app: ['azp', 'appid'], attributes: { object_id: 'oid' } } });
    assert.deepEqual(mapClaims(token, mapping), {
      roles: ['Palisade.PiiReader'],
      groups: ['5f0c1a9e-1111-2222-3333-444455556666'],
      tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      email: 'ana@contoso.com',
      app: '0b4e1c6a-aaaa-bbbb-cccc-ddddeeeeffff',
      attributes: { object_id: '00000000-0000-0000-66f3-3332eca7ea81' },
    });
  });

  it('Okta: groups claim as roles, cid as app, scp as a list attribute', () => {
    const token = { groups: ['Everyone', 'PII Readers'], cid: '0oa1abcdEFGH', scp: ['openid', 'palisade.use'], uid: '00u1xyz' };
    const mapping = claimMapping({ ...base, claims: { roles: ['groups'], app: ['cid'], attributes: { scopes: 'scp', okta_user: 'uid' } } });
    assert.deepEqual(mapClaims(token, mapping), {
      roles: ['Everyone', 'PII Readers'],
      groups: ['Everyone', 'PII Readers'],
      app: '0oa1abcdEFGH',
      attributes: { scopes: ['openid', 'palisade.use'], okta_user: '00u1xyz' },
    });
  });

  it('Auth0: namespaced custom claims (with dots in their names) and permissions', () => {
    const token = {
      'https://palisade.example.com/roles': ['pii-reader'],
      'https://palisade.example.com/tenant': 'acme',
      'https://palisade.example.com/clearance': 'confidential',
      permissions: ['chat:send'],
      azp: 'AbCdEf123',
    };
    const mapping = claimMapping({
      ...base,
      claims: {
        roles: ['https://palisade.example.com/roles', 'permissions'],
        tenant: 'https://palisade.example.com/tenant',
        clearance: 'https://palisade.example.com/clearance',
      },
    });
    assert.deepEqual(mapClaims(token, mapping), { roles: ['pii-reader', 'chat:send'], tenant: 'acme', clearance: 'confidential', app: 'AbCdEf123' });
  });

  it('reads only own claim names (no prototype properties) and skips values of the wrong type', () => {
    assert.equal(claimAt({}, 'constructor'), undefined);
    assert.equal(claimAt({ a: { b: 1 } }, '__proto__.b'), undefined);
    const mapping = claimMapping({ ...base, claims: { department: 'department', attributes: { level: 'level' } } });
    assert.deepEqual(mapClaims({ roles: 'a b', department: { nested: true }, level: { x: 1 } }, mapping), { roles: ['a', 'b'], attributes: {} });
  });
});

describe('act chain', () => {
  it('reads nested actors outermost first', () => {
    const chain = actorChain({ sub: 'alice', act: { sub: 'agent-2', client_id: 'agent-2', iss: 'https://idp', act: { sub: 'agent-1' } } });
    assert.deepEqual(chain, [{ sub: 'agent-2', client_id: 'agent-2', iss: 'https://idp' }, { sub: 'agent-1' }]);
    assert.equal(actorChain({ sub: 'alice' }), undefined);
  });

  it('refuses malformed and overly deep chains', () => {
    assert.throws(() => actorChain({ act: 'agent' }), /not an object/);
    assert.throws(() => actorChain({ act: { client_id: 'x' } }), /no sub/);
    let act: Record<string, unknown> = { sub: 'a0' };
    for (let i = 1; i <= MAX_ACTOR_DEPTH; i++) act = { sub: `a${i}`, act };
    assert.throws(() => actorChain({ act }), /deeper than/);
  });
});

describe('expiring LRU (the introspection cache)', () => {
  it('holds at most its bound, dropping the least recently used', () => {
    const lru = createExpiringLru<number>(3);
    for (const k of ['a', 'b', 'c']) lru.set(k, 1, 1000);
    assert.equal(lru.get('a', 0), 1);
    lru.set('d', 1, 1000);
    assert.equal(lru.size, 3);
    assert.equal(lru.get('b', 0), undefined, 'b was least recently used');
    assert.equal(lru.get('a', 0), 1);
  });

  it('forgets entries at their expiry', () => {
    const lru = createExpiringLru<string>(10);
    lru.set('k', 'v', 100);
    assert.equal(lru.get('k', 99), 'v');
    assert.equal(lru.get('k', 100), undefined);
    assert.equal(lru.size, 0);
  });
});
