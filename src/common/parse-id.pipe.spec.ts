import type { ArgumentMetadata } from '@nestjs/common';
import { DomainError } from './errors/domain-error';
import { ParseIdPipe, parseId } from './parse-id.pipe';

const param = (data?: string): ArgumentMetadata => ({ type: 'param', data });

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe();

  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2_147_483_647],
  ])('parses %p as %p', (text, id) => {
    expect(pipe.transform(text, param('id'))).toBe(id);
  });

  it.each([
    'abc',
    '0',
    '-1',
    '1.5',
    '1e3',
    '0x10',
    '01',
    ' 1',
    '1 ',
    '+1',
    '',
    '2147483648',
    '99999999999',
    '١٢',
  ])('refuses %p with a 400', (text) => {
    expect(() => pipe.transform(text, param('id'))).toThrow(DomainError);
  });

  it.each([5, undefined, null, ['1'], { id: 1 }])('refuses the non-string %p', (value) => {
    expect(() => pipe.transform(value, param('id'))).toThrow(DomainError);
  });

  it('names the parameter, or "id" when it has no name', () => {
    expect(() => pipe.transform('x', param('orderId'))).toThrow(
      'orderId must be a positive integer (1 to 2147483647).',
    );
    expect(() => pipe.transform('x', param())).toThrow(/^id must be a positive integer/);
    expect(() => parseId('0', 'userId')).toThrow(/^userId must be/);
  });
});
