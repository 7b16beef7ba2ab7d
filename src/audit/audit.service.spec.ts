import { auditHash, AuditHashInput, diffOf, GENESIS_HASH } from './audit.service';
import { canonicalJson } from './canonical-json';

describe('audit diff and hash', () => {
  it('keeps only changed fields and redacts secrets at any depth', () => {
    const diff = diffOf(
      { name: 'A', roles: ['officer'], password: 'gammelt', credentials: { apiToken: 'hto_pat_abc', kind: 'pat' } },
      { name: 'B', roles: ['officer'], password: 'nytt', credentials: { apiToken: 'hto_pat_def', kind: 'pat' } },
    );
    expect(diff).toEqual({ name: { before: 'A', after: 'B' } });
    const created = diffOf(null, { email: 'a@b.no', password: 'hemmelig', nested: [{ refreshToken: 'hto_rt_x' }] });
    expect(JSON.stringify(created)).not.toMatch(/hemmelig|hto_rt_x/);
    expect(created).toEqual({
      email: { before: null, after: 'a@b.no' },
      password: { before: null, after: '[REDACTED]' },
      nested: { before: null, after: [{ refreshToken: '[REDACTED]' }] },
    });
    expect(diffOf({ a: 1 }, { a: 1 })).toBeNull();
  });

  it('hashes the same row the same regardless of key order, and differently when anything changes', () => {
    const row: AuditHashInput = {
      seq: '7',
      occurredAt: '2025-03-01T12:00:00.000Z',
      actorUserId: null,
      actorTokenId: null,
      actorRoles: ['officer'],
      actorLabel: 'officer@demo.local',
      action: 'call.publish',
      entityType: 'call',
      entityId: 'x',
      diff: { status: { before: 'DRAFT', after: 'PUBLISHED' } },
      requestId: null,
      clientAddress: null,
    };
    const reordered = Object.fromEntries(Object.entries(row).reverse()) as unknown as AuditHashInput;
    expect(auditHash(GENESIS_HASH, reordered)).toBe(auditHash(GENESIS_HASH, row));
    expect(auditHash(GENESIS_HASH, { ...row, seq: '8' })).not.toBe(auditHash(GENESIS_HASH, row));
    expect(auditHash('1'.repeat(64), row)).not.toBe(auditHash(GENESIS_HASH, row));
  });

  it('keeps a key named __proto__ as data, at the top level and nested, instead of setting a prototype', () => {
    const after = JSON.parse('{"__proto__": {"isAdmin": true}, "content": {"__proto__": {"x": 1}}}');
    const diff = diffOf(null, after)!;
    expect(Object.keys(diff).sort()).toEqual(['__proto__', 'content']);
    expect(JSON.parse(canonicalJson(diff))).toEqual(
      JSON.parse(
        '{"__proto__": {"after": {"isAdmin": true}, "before": null}, "content": {"after": {"__proto__": {"x": 1}}, "before": null}}',
      ),
    );
    expect((diff as Record<string, unknown> & { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it('hashes text the way PostgreSQL stores it: NUL and unpaired surrogates become U+FFFD, pairs stay', () => {
    const stored = JSON.parse(canonicalJson({ a: 'x\u0000y', b: 'halv \ud83d', c: '\udc00', d: 'hel \ud83d\ude00' }));
    expect(stored).toEqual({ a: 'x\ufffdy', b: 'halv \ufffd', c: '\ufffd', d: 'hel \ud83d\ude00' });
  });
});
