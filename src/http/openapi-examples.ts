/**
 * Whole-body examples for the OpenAPI document, drawn from the schemas themselves so they can never disagree with them:
 * a field's own `example`, `default`, `const` or first enum value; otherwise a realistic value chosen by its name or
 * format. tests/openapi.test.ts validates every example against its schema.
 */
type Schema = Record<string, unknown>;

const BY_NAME: Record<string, unknown> = {
  id: '3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48',
  reference: 'TR-2026-000042',
  caseNumber: 'PNC-SV-2026-0147',
  title: 'Homicidio en Soyapango',
  manufacturer: 'Glock',
  model: '17',
  serial: 'AB123456',
  caliber: '9mm',
  name: 'Ana López',
  fullName: 'Ana López',
  email: 'ana.lopez@pnc.gob.sv',
  password: 'correct horse battery staple',
  agencyCode: 'PNC-SV',
  code: 'PNC-SV',
  regionCode: 'central-america',
  region: 'central-america',
  location: 'Soyapango, San Salvador',
  place: 'Soyapango, San Salvador',
  city: 'Soyapango',
  state: 'TX',
  country: 'SV',
  countryOfOrigin: 'AT',
  reason: 'The recovery date is after the submission date; please check it.',
  message: 'Glock has no record of serial AB123456 after export.',
  note: 'Photographs attached to the case file.',
  notes: 'Photographs attached to the case file.',
  details: 'Photographs attached to the case file.',
  method: 'cutting',
  summary: 'Trace requested by the homicide unit',
  q: 'Glock',
  serialNumber: 'AB123456',
  serialPrefix: 'AB12',
  importer: 'Armería El Salvador, S.A. de C.V.',
  firstName: 'Ana',
  lastName: 'López',
  department: 'San Salvador',
  municipality: 'Soyapango',
  address: 'Calle Arce 1024, San Salvador',
  idNumber: '04567891-2',
  licenseNumber: 'LIC-SV-2019-004512',
  nationality: 'SV',
  sourceState: 'TX',
  nextCursor: 'eyJrIjpbIjIwMjYtMTEtMDJUMTQ6MzA6MDBaIl19',
  urgentReason: 'Suspect in custody; the hearing is within 48 hours.',
  closingNote: 'Purchaser identified; the case file was updated.',
  openedByName: 'Sgto. Marta López',
  disclaimer: 'Trace data are not a random sample of the firearms used in crime or recovered by the authorities.',
  closedByName: 'Insp. Carlos Pérez',
  itemLocation: 'Bodega central, estante 4',
  storageLocation: 'Bodega central PNC, estante B-12',
  organization: 'Policía Nacional Civil',
  certificateNumber: 'DC-2026-000031',
  verificationNotes: 'Serials checked against the inventory by both witnesses.',
  circumstances: 'Recovered during a vehicle stop',
  policeReportNumber: 'PNC-DEN-2026-00871',
  description: 'Serial partially obliterated; restored by the laboratory.',
  caption: 'Serial on the slide, left side',
  fileName: 'IMG_0042.jpg',
  offense: 'homicide',
  requestId: '6b0e7c52-4d1f-4a8e-9c3b-1f2a7d9e5c60',
  eventId: '5',
  entityId: '3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48',
  path: '/api/v1/traces/3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48/submit',
  url: 'https://cases.pnc.gob.sv/hooks/rastreo',
  ip: '203.0.113.7',
  token: 'rst_4QmT9vXkZ2pL8wR1yB6nC3dF7hJ0sG5a',
  detail: 'serialNumber must not be blank.',
};

/** What a string gets when neither its schema nor its name gives one; tests/openapi.test.ts requires that none do. */
export const NO_EXAMPLE = 'no realistic example: name the field in openapi-examples.ts';

const BY_FORMAT: Record<string, unknown> = {
  uuid: '3f6c2a9e-8b1d-4c7e-9a53-2d0f7b6e1c48',
  date: '2026-11-02',
  'date-time': '2026-11-02T14:30:00Z',
  email: 'ana.lopez@pnc.gob.sv',
  uri: 'https://cases.pnc.gob.sv/hooks/rastreo',
};

export function exampleOf(schema: Schema, name?: string): unknown {
  if ('example' in schema) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) return exampleOf(branches.find((branch) => branch.type !== 'null') ?? branches[0]!, name);
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, exampleOf(property, key)]));
    }
    case 'array': {
      const item = exampleOf((schema.items ?? {}) as Schema, name);
      return Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => item);
    }
    case 'integer':
    case 'number':
      return Math.max(Number(schema.minimum ?? 1), Math.min(Number(schema.maximum ?? 3), 3));
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string': {
      if (typeof schema.format === 'string' && schema.format in BY_FORMAT) return BY_FORMAT[schema.format];
      const byName = name !== undefined ? BY_NAME[name] : undefined;
      const text = typeof byName === 'string' ? byName : NO_EXAMPLE;
      const max = Number(schema.maxLength ?? Infinity);
      return text.length > max ? text.slice(0, max) : text;
    }
    default:
      return {};
  }
}
