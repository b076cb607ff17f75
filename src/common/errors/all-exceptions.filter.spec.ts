import { QueryFailedError } from 'typeorm';
import { toErrorBody } from './all-exceptions.filter';

const failed = (query: string, driverError: Error & { code?: string }) =>
  new QueryFailedError(query, [], driverError);

describe('toErrorBody: the database failing', () => {
  it.each([
    ['a query the database never answered', new Error('Query read timeout')],
    [
      'a connection that could not be opened in time',
      new Error('timeout exceeded when trying to connect'),
    ],
    ['a client whose connection was cut', new Error('Client was closed and is not queryable')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    [
      'a statement cancelled by the statement timeout',
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    ],
  ])('answers %s with 503, saying that nothing was saved', (_what, err) => {
    const answer = toErrorBody(failed('INSERT INTO t VALUES ($1)', err), 'req-1');
    expect(answer).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(answer.message).toMatch(/nothing was saved/);
    expect(answer.message).not.toMatch(/timeout|terminated|queryable|cancel/i);
  });

  it('says a write may have been saved when the connection failed during its COMMIT', () => {
    const answer = toErrorBody(failed('COMMIT', new Error('Query read timeout')), 'req-2');
    expect(answer).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(answer.message).toMatch(/may have been saved.*same Idempotency-Key/);
  });

  it('does not blame the connection for a COMMIT that the database answered with a refusal', () => {
    const refused = Object.assign(new Error('could not serialize access'), { code: '40001' });
    const answer = toErrorBody(failed('COMMIT', refused), 'req-3');
    expect(answer.code).not.toBe('SERVICE_UNAVAILABLE');
    expect(answer.message).not.toMatch(/may have been saved/);
  });
});
