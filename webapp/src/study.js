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

async function json(url) {
  const response = await fetch(url, { headers: { Accept: DICOM_JSON }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the portal answered ${response.status}`);
  return response.json();
}

export class Study {
  constructor(dicomweb, studyUid) {
    this.root = `${new URL(dicomweb, window.location.href).href.replace(/\/$/, '')}/studies/${studyUid}`;
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
        birthDate: isoDate(value(first, '00100030')),
        studyDate: isoDate(value(first, '00080020')),
        modality: value(first, '00080060') || series.modality,
      },
    };
  }
}
