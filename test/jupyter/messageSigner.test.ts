import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageSigner } from '../../src/jupyter/messageSigner';

const frames = (...parts: string[]) => parts.map((p) => Buffer.from(p));

test('signs the frames as one HMAC-SHA256 over their bytes in order (RFC 4231 test case 2)', () => {
  const signer = new MessageSigner('Jefe');
  const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
  assert.equal(signer.sign(frames('what do ya want ', 'for nothing?')), expected);
  assert.equal(signer.sign(frames('what do ya want for nothing?')), expected);
});

test('accepts a good signature once, and refuses unsigned, tampered and replayed messages', () => {
  const signer = new MessageSigner('secret-key');
  const parts = frames('{"msg_type":"execute_request"}', '{}', '{}', '{"code":"1"}');
  const signature = signer.sign(parts);
  assert.equal(signer.check(signature, parts), undefined);
  assert.equal(signer.check(signature, parts), 'replayed signature');
  assert.equal(signer.check('', parts), 'unsigned');
  const tampered = frames('{"msg_type":"execute_request"}', '{}', '{}', '{"code":"2"}');
  assert.equal(signer.check(signer.sign(parts), tampered), 'bad signature');
  assert.equal(signer.check('abc', parts), 'bad signature', 'a signature of the wrong length');
  assert.equal(
    new MessageSigner('other-key').check(new MessageSigner('secret-key').sign(tampered), tampered),
    'bad signature',
  );
});

test('an empty key means the connection file turned signing off', () => {
  const signer = new MessageSigner('');
  assert.equal(signer.enabled, false);
  assert.equal(signer.sign(frames('x')), '');
  assert.equal(signer.check('', frames('x')), undefined);
});

test('a signature scheme other than hmac-sha256 is refused by name', () => {
  assert.throws(() => new MessageSigner('k', 'hmac-md5'), /signature scheme 'hmac-md5' is not supported/);
});
