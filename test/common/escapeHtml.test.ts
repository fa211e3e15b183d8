// One escaper for every HTML radnb writes (tensor tables, metric tables, the export): text from files and
// users stays text, in element content and in attributes quoted either way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml } from '../../src/common/escapeHtml';

test('the five characters that can end text or an attribute are escaped', () => {
  assert.equal(
    escapeHtml(`<img src=x onerror="a()"> & 'b'`),
    '&lt;img src=x onerror=&quot;a()&quot;&gt; &amp; &#39;b&#39;',
  );
  assert.equal(escapeHtml('&amp;'), '&amp;amp;', 'escaping twice shows the first escape');
  assert.equal(escapeHtml('Ärzte · 3×3 → ok'), 'Ärzte · 3×3 → ok');
});
