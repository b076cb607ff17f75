import { DomainError } from '../errors/domain-error';
import { decodeCursor, decodeIdCursor, encodeCursor } from './cursor';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips an id', () => {
    for (const id of [1, 42, 2_147_483_647]) expect(decodeIdCursor(encodeCursor([id]))).toBe(id);
  });

  it('round-trips a composite key', () => {
    const key = ['2026-11-23T10:15:00.000Z', 7];
    expect(decodeCursor(encodeCursor(key), 2)).toEqual(key);
  });

  it('is opaque and safe in a URL without escaping', () => {
    const cursor = encodeCursor(['a/b+c?d=e&f', 123456789]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('123456789');
  });

  it.each([
    ['garbage', 'nonsense'],
    ['an empty string', ''],
    ['base64 of text that is not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON that is not an array', raw({ id: 5 })],
    ['an array of the wrong length', raw([5, 6])],
    ['an empty array', raw([])],
    ['a key holding null', raw([null])],
    ['a key holding an object', raw([{}])],
  ])('refuses %s with a 400', (_name, cursor) => {
    expect(() => decodeIdCursor(cursor)).toThrow(DomainError);
    expect(() => decodeIdCursor(cursor)).toThrow(/X-Next-Cursor/);
  });

  it.each([
    ['a string id', raw(['5'])],
    ['zero', raw([0])],
    ['a negative id', raw([-3])],
    ['a fraction', raw([1.5])],
    ['an unsafe integer', raw([2 ** 53 + 2])],
  ])('refuses an id cursor holding %s', (_name, cursor) => {
    expect(() => decodeIdCursor(cursor)).toThrow(DomainError);
  });

  it('checks the key length of a composite cursor', () => {
    expect(() => decodeCursor(encodeCursor(['x', 1]), 3)).toThrow(DomainError);
    expect(() => decodeCursor(encodeCursor([1]), 2)).toThrow(DomainError);
  });
});
