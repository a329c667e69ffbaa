/** The fields a CSV column can fill (contacts' import mapping); `cf.<key>` and `consent.<channel>.<purpose>` are typed. */
export const IMPORT_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'country',
  'region',
  'city',
  'locale',
  'occupation',
  'birthDate',
  'lifecycleStage',
  'ownerId',
  'tags',
  'externalId',
  'sourceChannel',
  'sourceCampaign',
  'utmSource',
  'utmMedium',
  'utmCampaign',
] as const;

/** The header cells of a CSV's first line: `,` `;` or tab as the import detects it, quotes with doubled quotes. */
export function csvHeader(firstLine: string): string[] {
  const line = firstLine.replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length] as const);
  const delimiter = counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells.filter((c, i) => c !== '' || i < cells.length - 1);
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const SYNONYMS: Record<string, string> = {
  first: 'firstName',
  firstname: 'firstName',
  givenname: 'firstName',
  last: 'lastName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  mail: 'email',
  emailaddress: 'email',
  telephone: 'phone',
  mobile: 'phone',
  phonenumber: 'phone',
  town: 'city',
  id: 'externalId',
  externalid: 'externalId',
};

/** A first guess at a column's field from its header ("E-mail" → email, "Surname" → lastName), or '' to skip it. */
export function guessField(header: string): string {
  const s = squash(header);
  return SYNONYMS[s] ?? IMPORT_FIELDS.find((f) => squash(f) === s) ?? '';
}
