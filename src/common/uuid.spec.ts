import { validate } from 'class-validator';
import { isUuid } from './uuid';
import { IsUuid } from './validation';

describe('isUuid: the one UUID check', () => {
  it.each([
    '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e', // version 4, as gen_random_uuid() makes them
    '3F2B8C1E-4D5A-4B6C-8D7E-9F0A1B2C3D4E',
    '00000000-0000-0000-0000-000000000000',
    // version and variant digits a strict RFC check would refuse, but the database reads (and may hold)
    '3f2b8c1e-4d5a-0b6c-0d7e-9f0a1b2c3d4e',
  ])('accepts %s', (v) => expect(isUuid(v)).toBe(true));

  it.each([
    ['not a UUID', 'not-a-uuid'],
    ['braces', '{3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e}'],
    ['no hyphens', '3f2b8c1e4d5a4b6c8d7e9f0a1b2c3d4e'],
    ['a trailing newline', '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e\n'],
    ['a non-hex digit', '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4g'],
    ['a number', 42],
    ['null', null],
  ])('refuses %s', (_what, v) => expect(isUuid(v)).toBe(false));
});

describe('@IsUuid: the same check on request fields', () => {
  class Body {
    @IsUuid()
    id: unknown;

    @IsUuid({ each: true })
    ids: unknown[];
  }
  const problems = async (id: unknown, ids: unknown[]) =>
    (await validate(Object.assign(new Body(), { id, ids }))).map((e) => ({ property: e.property, constraints: e.constraints }));

  it('passes what isUuid accepts, field by field and element by element', async () => {
    expect(await problems('3f2b8c1e-4d5a-0b6c-0d7e-9f0a1b2c3d4e', ['00000000-0000-0000-0000-000000000000'])).toEqual([]);
  });

  it('names the constraint isUuid (problem code IS_UUID) and says which element failed', async () => {
    expect(await problems('nope', ['3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e', 'nope'])).toEqual([
      { property: 'id', constraints: { isUuid: 'id must be a UUID' } },
      { property: 'ids', constraints: { isUuid: 'each value in ids must be a UUID' } },
    ]);
  });
});
