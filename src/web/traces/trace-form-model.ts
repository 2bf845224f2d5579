import type { TFunction } from 'i18next';
import { fieldRuleErrors, qualityFlags } from '../../traces/rules.ts';
import { TraceCreate, type QualityFlag, type Trace } from '../../traces/schemas.ts';
import type { WeaponInput } from '../../weapons/schemas.ts';
import { fieldMessage } from '../ui/problems.ts';
import { clock } from '../ui/format.ts';
import { schemaErrors } from '../ui/schema-errors.ts';

/** The trace form as the user types it: every input is a string or a checkbox. */
export interface TraceFormState {
  caseId: string;
  manufacturer: string;
  model: string;
  caliber: string;
  type: string;
  serialNumber: string;
  serialObliterated: boolean;
  importer: string;
  countryOfManufacture: string;
  recoveryDate: string;
  recoveryCountry: string;
  department: string;
  municipality: string;
  address: string;
  latitude: string;
  longitude: string;
  circumstance: string;
  hasPossessor: boolean;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  nationality: string;
  idNumber: string;
  urgent: boolean;
  urgentReason: string;
  notes: string;
}

export const emptyTraceForm = (caseId = ''): TraceFormState => ({
  caseId,
  manufacturer: '',
  model: '',
  caliber: '',
  type: '',
  serialNumber: '',
  serialObliterated: false,
  importer: '',
  countryOfManufacture: '',
  recoveryDate: '',
  recoveryCountry: '',
  department: '',
  municipality: '',
  address: '',
  latitude: '',
  longitude: '',
  circumstance: '',
  hasPossessor: false,
  firstName: '',
  lastName: '',
  dateOfBirth: '',
  nationality: '',
  idNumber: '',
  urgent: false,
  urgentReason: '',
  notes: '',
});

export function traceFormFrom(trace: Trace): TraceFormState {
  const { weapon, recovery, possessor } = trace;
  return {
    caseId: trace.caseId,
    manufacturer: weapon.manufacturer,
    model: weapon.model,
    caliber: weapon.caliber,
    type: weapon.type,
    serialNumber: weapon.serialNumber ?? '',
    serialObliterated: weapon.serialObliterated,
    importer: weapon.importer ?? '',
    countryOfManufacture: weapon.countryOfManufacture,
    recoveryDate: recovery.date,
    recoveryCountry: recovery.country ?? '',
    department: recovery.department ?? '',
    municipality: recovery.municipality ?? '',
    address: recovery.address ?? '',
    latitude: recovery.latitude === null ? '' : String(recovery.latitude),
    longitude: recovery.longitude === null ? '' : String(recovery.longitude),
    circumstance: recovery.circumstance,
    hasPossessor: Boolean(possessor),
    firstName: possessor?.firstName ?? '',
    lastName: possessor?.lastName ?? '',
    dateOfBirth: possessor?.dateOfBirth ?? '',
    nationality: possessor?.nationality ?? '',
    idNumber: possessor?.idNumber ?? '',
    urgent: trace.urgent,
    urgentReason: trace.urgentReason ?? '',
    notes: trace.notes ?? '',
  };
}

const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
const coordinate = (value: string) => (value.trim() === '' ? undefined : Number(value.replace(',', '.')));
const upper = (value: string) => optional(value)?.toUpperCase();

/** The create body the API receives: empty inputs are absent fields. */
export function traceBodyOf(form: TraceFormState) {
  const weapon = {
    manufacturer: form.manufacturer.trim(),
    model: form.model.trim(),
    caliber: form.caliber.trim(),
    type: form.type,
    serialNumber: form.serialObliterated ? optional(form.serialNumber) : form.serialNumber.trim(),
    serialObliterated: form.serialObliterated,
    importer: optional(form.importer),
    countryOfManufacture: form.countryOfManufacture.trim().toUpperCase(),
  };
  const recovery = {
    date: form.recoveryDate,
    country: upper(form.recoveryCountry),
    department: optional(form.department),
    municipality: optional(form.municipality),
    address: optional(form.address),
    latitude: coordinate(form.latitude),
    longitude: coordinate(form.longitude),
    circumstance: form.circumstance,
  };
  const possessor = form.hasPossessor
    ? {
        firstName: form.firstName.trim(),
        lastName: form.lastName.trim(),
        dateOfBirth: optional(form.dateOfBirth),
        nationality: upper(form.nationality),
        idNumber: optional(form.idNumber),
      }
    : undefined;
  return withoutUndefined({
    caseId: form.caseId,
    weapon,
    recovery,
    possessor,
    urgent: form.urgent,
    urgentReason: form.urgent ? optional(form.urgentReason) : undefined,
    notes: optional(form.notes),
  });
}

function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The API's own checks, run in the browser: the TraceCreate schema that validates the request on the server, then the
 * field rules no schema expresses (src/traces/rules.ts). Keyed by JSON Pointer, translated.
 */
export function traceFormErrors(t: TFunction, form: TraceFormState): Record<string, string> {
  const body = traceBodyOf(form);
  const errors = schemaErrors(t, TraceCreate, body);
  const put = (path: string, message: string) => (errors[path] ??= message);
  for (const rule of fieldRuleErrors(body as Parameters<typeof fieldRuleErrors>[0], clock))
    put(rule.path, fieldMessage(t, rule.message));
  return errors;
}

/** The quality flags the API will set: any of them sends the trace to an advisor for review. */
export function expectedFlags(form: TraceFormState): QualityFlag[] {
  const weapon = traceBodyOf(form).weapon as WeaponInput;
  const flags = qualityFlags(
    {
      ...weapon,
      serialNumber: weapon.serialNumber ?? null,
      importer: weapon.importer ?? null,
      serialObliterated: Boolean(weapon.serialObliterated),
    },
    form.urgent,
  );
  // Until a country is entered, the gun is not known to be foreign: no warning about its importer yet.
  return /^[A-Z]{2}$/.test(form.countryOfManufacture.trim().toUpperCase())
    ? flags
    : flags.filter((flag) => flag !== 'missing_importer');
}
