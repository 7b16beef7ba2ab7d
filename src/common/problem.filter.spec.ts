import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { isDatabaseUnavailable } from './problem.filter';

describe('isDatabaseUnavailable: the database out of reach, told from a bad request or a bug', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  const failed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

  it.each([
    [
      'a refused connection (the pool cannot connect)',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a reset connection', failed(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))],
    ['a connection that ended under a query', failed(new Error('Connection terminated unexpectedly'))],
    ['a client the pool already lost', new Error('Client has encountered a connection error and is not queryable')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['the server shutting down (admin_shutdown)', failed(pgError('57P01', 'terminating connection due to administrator command'))],
    ['the server starting up (cannot_connect_now)', pgError('57P03', 'the database system is starting up')],
    ['a connection exception (class 08)', failed(pgError('08006'))],
    ['no connection slot left', pgError('53300', 'sorry, too many clients already')],
    ['a transaction whose connection failed under it (TypeORM released its runner)', new QueryRunnerAlreadyReleasedError()],
    ['a raw query of that transaction (the runner of its manager released)', new QueryRunnerProviderAlreadyReleasedError()],
  ])('%s: yes', (_, e) => expect(isDatabaseUnavailable(e)).toBe(true));

  it.each([
    ['a unique violation', failed(pgError('23505'))],
    ['a bad value', failed(pgError('22P02'))],
    ['a serialization failure', failed(pgError('40001'))],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
  ])('%s: no', (_, e) => expect(isDatabaseUnavailable(e)).toBe(false));
});
