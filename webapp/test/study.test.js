import { test } from 'node:test';
import assert from 'node:assert/strict';
import { value, personName, isoDate } from '../src/study.js';

test('values are read from DICOM JSON, person names by their alphabetic form', () => {
  const json = { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Testpatient^Ann' }] }, '00200013': { vr: 'IS', Value: [7] } };
  assert.equal(value(json, '00100010'), 'Testpatient^Ann');
  assert.equal(value(json, '00200013'), 7);
  assert.equal(value(json, '00080020'), undefined);
  assert.equal(value({ '00080020': { vr: 'DA' } }, '00080020'), undefined);
});

test('names read given name first, dates as ISO dates, anything else as nothing', () => {
  assert.equal(personName('Testpatient^Ann^Marie'), 'Ann Marie Testpatient');
  assert.equal(personName('Mononym'), 'Mononym');
  assert.equal(personName(undefined), '');
  assert.equal(isoDate('19800101'), '1980-01-01');
  assert.equal(isoDate('1980'), '');
  assert.equal(isoDate('<script>'), '');
});
