import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageFactory } from '../../src/jupyter/messages';
import { MessageSigner } from '../../src/jupyter/messageSigner';
import { DELIMITER, WireError, decodeMessage, encodeMessage } from '../../src/jupyter/wireFrames';

const key = 'f0e1d2c3';
const factory = new MessageFactory();

test('a message survives encoding and decoding with its identities, frames and buffers', () => {
  const request = factory.make('execute_request', { code: 'const a = 1;', silent: false });
  const reply = factory.make('execute_reply', { status: 'ok', execution_count: 1 }, request.header);
  reply.buffers = [Buffer.from([1, 2, 3])];
  const identities = [Buffer.from('client-a'), Buffer.from('client-b')];
  const frames = encodeMessage(identities, reply, new MessageSigner(key));
  assert.ok(frames[2].equals(DELIMITER));
  assert.match(frames[3].toString(), /^[0-9a-f]{64}$/);
  const decoded = decodeMessage(frames, new MessageSigner(key));
  assert.deepEqual(decoded.identities, identities);
  assert.deepEqual(decoded.message.header, reply.header);
  assert.equal((decoded.message.parent_header as { msg_id: string }).msg_id, request.header.msg_id);
  assert.deepEqual(decoded.message.content, reply.content);
  assert.deepEqual(decoded.message.buffers, [Buffer.from([1, 2, 3])]);
  assert.equal(reply.header.version, '5.3');
});

test('malformed messages are WireErrors that say what is wrong, never other exceptions', () => {
  const signer = new MessageSigner('');
  const good = encodeMessage([], factory.make('kernel_info_request', {}), signer);
  const cases: [Buffer[], RegExp][] = [
    [[Buffer.from('no delimiter')], /no <IDS\|MSG> delimiter/],
    [good.slice(0, 4), /3 frames after the delimiter, 5 or more expected/],
    [[...good.slice(0, 2), Buffer.from('{not json'), ...good.slice(3)], /the header is not JSON/],
    [[...good.slice(0, 5), Buffer.from('[1, 2]')], /the content is not a JSON object/],
    [[...good.slice(0, 2), Buffer.from('{"msg_id": "x"}'), ...good.slice(3)], /no msg_type/],
  ];
  for (const [frames, reason] of cases) {
    assert.throws(
      () => decodeMessage(frames, signer),
      (err: unknown) => err instanceof WireError && reason.test(err.message),
    );
  }
});

test('a message signed with another key, or tampered with after signing, is refused before it is parsed', () => {
  const message = factory.make('execute_request', { code: 'process.exit(1)' });
  const forged = encodeMessage([Buffer.from('id')], message, new MessageSigner('attacker-key'));
  assert.throws(() => decodeMessage(forged, new MessageSigner(key)), /bad signature/);
  const frames = encodeMessage([Buffer.from('id')], message, new MessageSigner(key));
  frames[6] = Buffer.from('{"code": "other code"}');
  assert.throws(() => decodeMessage(frames, new MessageSigner(key)), /bad signature/);
  const unsigned = encodeMessage([Buffer.from('id')], message, new MessageSigner(''));
  assert.throws(() => decodeMessage(unsigned, new MessageSigner(key)), /unsigned/);
});
