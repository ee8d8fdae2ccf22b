import { test } from 'node:test';
import assert from 'node:assert/strict';
import { value, personName, isoDate, shownDate, holdsImages, reportTitle } from '../src/study.js';

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

test('dates read as the pages show them: the practice\'s format, by default "21 Apr 1980"', () => {
  assert.equal(shownDate('19800421'), '21 Apr 1980');
  assert.equal(shownDate('20260105', 'd MMM yyyy'), '5 Jan 2026');
  assert.equal(shownDate('19800421', 'dd.MM.yyyy'), '21.04.1980');
  assert.equal(shownDate('19800421', 'MM/dd/yy'), '04/21/80');
  assert.equal(shownDate('19800421', 'EEEE d MMMM yyyy'), 'Monday 21 April 1980');
  assert.equal(shownDate('19800421', "d 'de' MMM yyyy, 'o''clock'"), "21 de Apr 1980, o'clock");
  assert.equal(shownDate('19800421', ''), '21 Apr 1980');
});

test('a format the viewer cannot follow gives the ISO date, what is not a date nothing', () => {
  assert.equal(shownDate('19800421', 'G yyyy-MM-dd'), '1980-04-21');
  assert.equal(shownDate('19800421', 'yyyy[-MM]'), '1980-04-21');
  assert.equal(shownDate('19800421', "d 'MMM"), '1980-04-21');
  assert.equal(shownDate('19800231'), '');
  assert.equal(shownDate('1980'), '');
  assert.equal(shownDate(undefined), '');
});

test('reports, key objects and presentation states are not drawn; the portal\'s report series neither', () => {
  for (const modality of ['SR', 'DOC', 'KO', 'PR', 'sr']) {
    assert.equal(holdsImages({ uid: '1.2', modality }), false, modality);
  }
  assert.equal(holdsImages({ uid: '1.2', modality: 'CT' }), true);
  assert.equal(holdsImages({ uid: '1.2', modality: 'MR' }), true);
  assert.equal(holdsImages({ uid: '1.2' }), true);
  // a report the portal knows by its SOP class, whatever its series calls itself
  assert.equal(holdsImages({ uid: '1.2', modality: 'OT' }, new Set(['1.2'])), false);
  assert.equal(holdsImages({ uid: '1.3', modality: 'OT' }, new Set(['1.2'])), true);
});

test('a series without images is named as a report, by its description or else its number', () => {
  assert.equal(reportTitle({ description: 'Key images ', number: 5 }), 'Report: Key images');
  assert.equal(reportTitle({ description: '', number: 5 }), 'Report: series 5');
  assert.equal(reportTitle({}), 'Report: series ?');
});
