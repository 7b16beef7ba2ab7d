import { Logger } from '@nestjs/common';
import { QueryLogger } from './query-logger';

describe('query logger', () => {
  it('logs a failed statement and its error, never its parameters', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const secret = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0$hash';
      const err = Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' });
      new QueryLogger(['error']).logQueryError(err, 'INSERT INTO user_credential (hash)\n   VALUES ($1)', [secret]);
      const logged = JSON.stringify(warn.mock.calls);
      expect(logged).toContain('INSERT INTO user_credential (hash) VALUES ($1)');
      expect(logged).toContain('23505');
      expect(logged).not.toContain(secret);
    } finally {
      warn.mockRestore();
    }
  });
});
