// Reference (a): the floor of this stack — Express 5, ajv, one INSERT of a ~15-field row per request.
import Ajv from 'ajv';
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(`CREATE TABLE IF NOT EXISTS bench_reference (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), case_id uuid, manufacturer text, model text, caliber text, type text,
  serial_number text, importer text, country text, recovery_date date, department text, circumstance text,
  first_name text, last_name text, urgent boolean, notes text, status text, created_at timestamptz DEFAULT now(),
  completed_at timestamptz)`);

const text = { type: 'string', minLength: 1, maxLength: 200 };
const validate = new Ajv.default({ allErrors: true, strict: true }).compile({
  type: 'object',
  required: ['caseId', 'weapon', 'recovery'],
  additionalProperties: false,
  properties: {
    caseId: text,
    notes: text,
    urgent: { type: 'boolean' },
    weapon: {
      type: 'object',
      additionalProperties: false,
      required: ['manufacturer', 'model', 'caliber', 'type', 'serialNumber', 'countryOfManufacture'],
      properties: {
        manufacturer: text,
        model: text,
        caliber: text,
        type: text,
        serialNumber: text,
        importer: text,
        countryOfManufacture: text,
        serialObliterated: { type: 'boolean' },
      },
    },
    recovery: {
      type: 'object',
      additionalProperties: false,
      required: ['date', 'circumstance'],
      properties: { date: text, department: text, country: text, circumstance: text },
    },
    possessor: {
      type: 'object',
      additionalProperties: false,
      properties: { firstName: text, lastName: text, dateOfBirth: text, nationality: text },
    },
  },
});

const app = express();
app.use(express.json());
app.post('/traces', async (req, res) => {
  if (!validate(req.body)) {
    res.status(400).json({ errors: validate.errors });
    return;
  }
  const b = req.body as {
    weapon: Record<string, string>;
    recovery: Record<string, string>;
    possessor?: Record<string, string>;
    urgent?: boolean;
    notes?: string;
  };
  const { rows } = await pool.query(
    `INSERT INTO bench_reference (case_id, manufacturer, model, caliber, type, serial_number, importer, country, recovery_date,
       department, circumstance, first_name, last_name, urgent, notes, status)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'queued') RETURNING *`,
    [
      b.weapon.manufacturer,
      b.weapon.model,
      b.weapon.caliber,
      b.weapon.type,
      b.weapon.serialNumber,
      b.weapon.importer ?? null,
      b.weapon.countryOfManufacture,
      b.recovery.date,
      b.recovery.department ?? null,
      b.recovery.circumstance,
      b.possessor?.firstName ?? null,
      b.possessor?.lastName ?? null,
      b.urgent ?? false,
      b.notes ?? null,
    ],
  );
  await afterInsert(rows[0].id);
  res.status(201).json(rows[0]);
});

/** Reference (b) adds a BullMQ job here; reference (a) does nothing more. */
let afterInsert: (id: string) => Promise<void> = async () => {};
export const setAfterInsert = (hook: typeof afterInsert) => {
  afterInsert = hook;
};

const server = app.listen(Number(process.env.PORT));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
