import { weaponBody, type WeaponFieldValues } from '../weapons/weapon-fields.tsx';

/** The lost-or-stolen report form as typed (the weapon's fields apart): every input is a string. */
export const EMPTY_REPORT = {
  kind: '',
  lostOn: '',
  sourceType: '',
  circumstances: '',
  country: '',
  department: '',
  policeReportNumber: '',
};
export type ReportFieldValues = typeof EMPTY_REPORT;

/** What a report draft keeps on the device: the form as typed, to be sent as `reportBodyOf` makes it. */
export interface ReportFormState {
  weapon: WeaponFieldValues;
  report: ReportFieldValues;
}

/** The `POST /stolen-reports` body for the form: trimmed, empty optional fields left out. */
export function reportBodyOf({ weapon, report }: ReportFormState) {
  const country = report.country.trim().toUpperCase();
  return {
    weapon: weaponBody(weapon),
    kind: report.kind,
    lostOn: report.lostOn,
    sourceType: report.sourceType,
    circumstances: report.circumstances.trim(),
    ...(country
      ? { location: { country, ...(report.department.trim() ? { department: report.department.trim() } : {}) } }
      : {}),
    ...(report.policeReportNumber.trim() ? { policeReportNumber: report.policeReportNumber.trim() } : {}),
  };
}
