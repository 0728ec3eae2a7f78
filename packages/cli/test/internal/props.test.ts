import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeProps, parseList, parseProps } from '../../src/internal/props.ts';
import { UsageError } from '../../src/internal/errors.ts';

describe('parseProps', () => {
  it('splits properties on ; and values on ,', () => {
    assert.deepEqual(parseProps('a=1;b=2,3'), { a: ['1'], b: ['2', '3'] });
  });

  it('returns {} for nothing', () => {
    assert.deepEqual(parseProps(undefined), {});
    assert.deepEqual(parseProps('  '), {});
  });

  it('tolerates empty pairs and a trailing ;', () => {
    assert.deepEqual(parseProps('a=1;;b=2;'), { a: ['1'], b: ['2'] });
  });

  it('keeps escaped separators literally', () => {
    assert.deepEqual(parseProps('msg=a\\;b\\,c;k\\=x=y'), { msg: ['a;b,c'], 'k=x': ['y'] });
  });

  it('splits on the first = only', () => {
    assert.deepEqual(parseProps('url=http://h/?q=1'), { url: ['http://h/?q=1'] });
  });

  it('adds values for repeated keys and keeps empty values', () => {
    assert.deepEqual(parseProps('a=1;a=2;e='), { a: ['1', '2'], e: [''] });
  });

  it('rejects a pair without = or with an empty name, as a usage error', () => {
    assert.throws(() => parseProps('novalue'), UsageError);
    assert.throws(() => parseProps('=1'), /empty name/);
  });
});

describe('mergeProps', () => {
  it('adds values without duplicates, accepting single strings', () => {
    assert.deepEqual(mergeProps({ a: ['1'] }, { a: '1', b: '2' }, { a: ['3'] }), {
      a: ['1', '3'],
      b: ['2'],
    });
  });
});

describe('parseList', () => {
  it('splits commas across repeated options and drops blanks', () => {
    assert.deepEqual(parseList(['1, 2', '3,,']), ['1', '2', '3']);
    assert.deepEqual(parseList('4'), ['4']);
    assert.deepEqual(parseList(undefined), []);
  });
});
