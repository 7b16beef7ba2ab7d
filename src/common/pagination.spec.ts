import { decodeCursor, encodeCursor } from './pagination';

describe('decodeCursor with the kind of each part', () => {
  const refused = (key: unknown[], kinds: Parameters<typeof decodeCursor>[1]) => () => decodeCursor(encodeCursor(key), kinds);

  it('takes back what the lists encode', () => {
    expect(decodeCursor(encodeCursor(['42']), ['bigint'])).toEqual(['42']);
    expect(decodeCursor(encodeCursor([3]), ['integer'])).toEqual([3]);
    const id = '0b1e4c1a-6f1d-4b6e-9a55-1d2f3e4a5b6c';
    // exactTimeSql, timestamptz::text and toISOString() forms
    for (const time of [
      '2026-11-29T07:27:43.119123Z',
      '2026-11-29 07:27:43.119123+00',
      '2026-11-29 07:27:43+01:00',
      '2026-11-29T07:27:43.119Z',
    ])
      expect(decodeCursor(encodeCursor([time, id]), ['timestamp', 'uuid'])).toEqual([time, id]);
    expect(decodeCursor(encodeCursor(['Bergen kommune', id]), ['text', 'uuid'])).toEqual(['Bergen kommune', id]);
  });

  it.each([
    [['1e400'], ['bigint']],
    [['9223372036854775808'], ['bigint']],
    [[42], ['bigint']],
    [['42'], ['integer']],
    [[2 ** 53], ['integer']],
    [
      ['2026-02-30T00:00:00Z', '0b1e4c1a-6f1d-4b6e-9a55-1d2f3e4a5b6c'],
      ['timestamp', 'uuid'],
    ],
    [
      ['2026-01-01T24:00:00Z', '0b1e4c1a-6f1d-4b6e-9a55-1d2f3e4a5b6c'],
      ['timestamp', 'uuid'],
    ],
    [
      ['yesterday', '0b1e4c1a-6f1d-4b6e-9a55-1d2f3e4a5b6c'],
      ['timestamp', 'uuid'],
    ],
    [
      ['2026-01-01T00:00:00Z', 'not-a-uuid'],
      ['timestamp', 'uuid'],
    ],
    [['2026-01-01T00:00:00Z'], ['timestamp', 'uuid']],
    [[1], ['text']],
  ] as const)('refuses %j as %j with INVALID_CURSOR', (key, kinds) => {
    expect(refused([...key], [...kinds])).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ code: 'INVALID_CURSOR' })] }),
    );
  });
});
