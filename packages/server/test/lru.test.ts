import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SizedLru } from '../src/internal/lru.ts';

test('evicts the least recently used entries once the size bound is passed', () => {
  const lru = new SizedLru<string>(10);
  lru.set('a', 'aaaa', 4);
  lru.set('b', 'bbbb', 4);
  assert.equal(lru.get('a'), 'aaaa'); // a is now the most recent
  lru.set('c', 'cccc', 4); // 12 > 10: b goes
  assert.equal(lru.get('b'), undefined);
  assert.equal(lru.get('a'), 'aaaa');
  assert.equal(lru.get('c'), 'cccc');
  assert.equal(lru.size, 8);
  lru.set('a', 'aa', 2); // replacing an entry updates the size
  assert.equal(lru.size, 6);
  lru.set('huge', 'x'.repeat(11), 11); // larger than the bound: not kept
  assert.equal(lru.get('huge'), undefined);
  assert.equal(lru.size, 6);
});
