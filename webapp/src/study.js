// What the viewer knows of a study before it draws anything: the series (QIDO-RS) and, per series, the instances'
// metadata (WADO-RS metadata), turned into one wadors: image id per frame, in instance order. Pixels are fetched
// later, frame by frame, in the stored transfer syntax, by the image loader.

const DICOM_JSON = 'application/dicom+json';

/** The first value of a DICOM JSON attribute, person names as their alphabetic form. */
export function value(json, tag) {
  const v = json && json[tag] && json[tag].Value;
  if (!v || !v.length) return undefined;
  return typeof v[0] === 'object' && v[0] !== null && 'Alphabetic' in v[0] ? v[0].Alphabetic : v[0];
}

/** A DICOM person name as people write it: "Ann Testpatient" for "Testpatient^Ann". */
export function personName(name) {
  if (!name) return '';
  const [family = '', given = '', middle = ''] = String(name).split('^');
  return [given, middle, family].filter(Boolean).join(' ');
}

/** A DICOM date (YYYYMMDD) as an ISO date, or '' when it is not one. */
export function isoDate(date) {
  const d = String(date || '');
  return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : '';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The practice's date format when the page names none, as the pages' own default ("21 Apr 1980"). */
export const DEFAULT_DATE_FORMAT = 'd MMM yyyy';

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** A name as java.time writes it for a run of 3 (short), 4 (full) or 5 (narrow) letters; undefined for more. */
function named(name, count) {
  return { 3: name.slice(0, 3), 4: name, 5: name[0] }[count];
}

/** One run of a pattern letter (java.time's meaning, English names) for the date, or undefined if not supported. */
function field(letter, count, year, month, day) {
  switch (letter) {
    case 'd': return count <= 2 ? pad(day, count) : undefined;
    case 'M': case 'L': return count <= 2 ? pad(month, count) : named(MONTHS[month - 1], count);
    case 'y': case 'u': return count === 2 ? pad(year % 100, 2) : pad(year, count);
    case 'E': {
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      return named(WEEKDAYS[date.getUTCDay()], Math.max(3, count));
    }
    default: return undefined;
  }
}

/**
 * A DICOM date (YYYYMMDD) as the rest of the portal shows dates: in the practice's format, a java.time pattern as
 * portal.display.date-format sets it ("d MMM yyyy" gives "21 Apr 1980", "dd.MM.yyyy" gives "21.04.1980"). Days,
 * months, years, weekdays and quoted text are understood; a pattern with anything else gives the ISO date rather
 * than a guess, and what is not a date gives ''.
 */
export function shownDate(date, pattern = DEFAULT_DATE_FORMAT) {
  const iso = isoDate(date);
  if (!iso) return '';
  const [year, month, day] = iso.split('-').map(Number);
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return '';
  const p = pattern || DEFAULT_DATE_FORMAT;
  let out = '';
  for (let i = 0; i < p.length;) {
    const c = p[i];
    if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (p[i + n] === c) n++;
      const text = field(c, n, year, month, day);
      if (text === undefined) return iso;
      out += text;
      i += n;
    } else if (c === "'") {
      if (p[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      for (; j < p.length; j++) {
        if (p[j] === "'" && p[j + 1] === "'") {
          out += "'";
          j++;
        } else if (p[j] === "'") {
          break;
        } else {
          out += p[j];
        }
      }
      if (j >= p.length) return iso;
      i = j + 1;
    } else if ('[]{}#'.includes(c)) {
      return iso;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Modalities whose series hold no pixels: reports (SR, DOC), key object selections (KO), presentation states (PR),
 * waveforms, registrations, fiducials and radiotherapy objects. Such a series is never put into a viewport.
 */
export const NON_IMAGE_MODALITIES = new Set(['SR', 'DOC', 'KO', 'PR', 'AU', 'ECG', 'HD', 'RWV', 'REG', 'FID',
  'RTSTRUCT', 'RTPLAN', 'RTRECORD', 'PLAN']);

/**
 * Whether a series holds images to draw: not one the page lists as a report (the portal decides those by SOP
 * class) and not of a modality without pixels.
 */
export function holdsImages(series, reportSeries = new Set()) {
  return !reportSeries.has(series.uid) && !NON_IMAGE_MODALITIES.has(String(series.modality || '').toUpperCase());
}

/** How the viewer names a series without images that the page has no report page for. */
export function reportTitle(series) {
  const what = String(series.description || '').trim() || `series ${series.number ?? '?'}`;
  return `Report: ${what}`;
}

async function json(url) {
  const response = await fetch(url, { headers: { Accept: DICOM_JSON }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the portal answered ${response.status}`);
  return response.json();
}

export class Study {
  /** The study under the page's DICOMweb root; dates for people in the practice's format (a java.time pattern). */
  constructor(dicomweb, studyUid, dateFormat = DEFAULT_DATE_FORMAT) {
    this.root = `${new URL(dicomweb, window.location.href).href.replace(/\/$/, '')}/studies/${studyUid}`;
    this.dateFormat = dateFormat;
  }

  /** The series, ordered by series number. */
  async series() {
    const found = await json(`${this.root}/series`);
    return found.map((s) => ({
      uid: value(s, '0020000E'),
      number: value(s, '00200011'),
      modality: value(s, '00080060') || '',
      description: value(s, '0008103E') || '',
      count: value(s, '00201209') || 0,
    })).filter((s) => s.uid).sort((a, b) => (a.number ?? 1e9) - (b.number ?? 1e9));
  }

  /**
   * The image ids of a series, one per frame, with each instance's metadata handed to the loader (multi-frame
   * instances once, under their first frame, as the loader expects), and what the overlay shows.
   */
  async images(series, metaDataManager) {
    const instances = (await json(`${this.root}/series/${series.uid}/metadata`))
      .filter((m) => value(m, '00280010') && value(m, '00280011'))
      .sort((a, b) => (value(a, '00200013') ?? 0) - (value(b, '00200013') ?? 0));
    const imageIds = [];
    for (const m of instances) {
      const sop = value(m, '00080018');
      const frames = Math.max(1, Number(value(m, '00280008')) || 1);
      const base = `wadors:${this.root}/series/${series.uid}/instances/${sop}/frames/`;
      metaDataManager.add(`${base}1`, m);
      for (let f = 1; f <= frames; f++) imageIds.push(`${base}${f}`);
    }
    const first = instances[0];
    return {
      imageIds,
      multiframe: instances.length === 1 && imageIds.length > 1,
      header: first && {
        patient: personName(value(first, '00100010')),
        birthDate: shownDate(value(first, '00100030'), this.dateFormat),
        studyDate: shownDate(value(first, '00080020'), this.dateFormat),
        modality: value(first, '00080060') || series.modality,
      },
    };
  }
}
