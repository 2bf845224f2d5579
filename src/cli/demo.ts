import { systemClock } from '../shared/clock.ts';
import type { Db } from '../db/knex.ts';
import type { Role } from '../shared/actor.ts';
import {
  insertToken,
  notifyIdentityChanged,
  revokeTokens,
  setPasswordHash,
  upsertAgencies,
  usersByEmail,
} from '../identity/repository.ts';
import { hashPassword } from '../identity/passwords.ts';
import { createUserWithToken } from '../identity/service.ts';
import { API_TOKEN_PREFIX, newToken } from '../identity/tokens.ts';
import { createCase } from '../cases/service.ts';
import { DestructionService } from '../destructions/service.ts';
import { RegistryService } from '../registry/service.ts';
import { StockpileService } from '../stockpile/service.ts';
import { StocktakeService } from '../stocktakes/service.ts';
import { TraceService } from '../traces/service.ts';
import type { TraceCreate } from '../traces/schemas.ts';
import { cliAudit, contextForToken } from './context.ts';

export const DEMO_PASSWORD = 'rastreo-demo-2026';

const AGENCIES = [
  {
    code: 'PNC-SV',
    name: 'Policía Nacional Civil — División de Armas y Explosivos',
    country: 'SV',
    region: 'el-salvador',
    review_required: false,
  },
  {
    code: 'FGR-SV',
    name: 'Fiscalía General de la República',
    country: 'SV',
    region: 'el-salvador',
    review_required: true,
  },
  { code: 'PNC-HN', name: 'Policía Nacional de Honduras', country: 'HN', region: 'honduras', review_required: false },
];

const USERS: { role: Role; name: string; email: string; agency: string }[] = [
  { role: 'investigator', name: 'Inv. Marta Hernández', email: 'investigador@pnc.demo', agency: 'PNC-SV' },
  { role: 'advisor', name: 'Daniel Ortiz (asesor regional)', email: 'asesor@rastreo.demo', agency: 'PNC-SV' },
  { role: 'stockpile_manager', name: 'Sgto. Luis Campos', email: 'custodia@pnc.demo', agency: 'PNC-SV' },
  // A count is closed by a second person (issue 33): the demo's closed stocktake needs two stockpile managers.
  { role: 'stockpile_manager', name: 'Cabo Ana Torres', email: 'custodia2@pnc.demo', agency: 'PNC-SV' },
  { role: 'admin', name: 'Administración Rastreo', email: 'admin@rastreo.demo', agency: 'PNC-SV' },
];

const DEPARTMENTS = ['San Salvador', 'La Libertad', 'Santa Ana', 'San Miguel', 'Sonsonate', 'Usulután'];
const WEAPONS: TraceCreate['weapon'][] = [
  {
    manufacturer: 'Glock',
    model: '19',
    caliber: '9mm',
    type: 'pistol',
    serialNumber: 'TESTOK-1001',
    countryOfManufacture: 'AT',
    importer: 'Glock Inc.',
  },
  {
    manufacturer: 'Smith & Wesson',
    model: 'SD9VE',
    caliber: '9mm',
    type: 'pistol',
    serialNumber: 'TESTDEALER-2002',
    countryOfManufacture: 'US',
  },
  {
    manufacturer: 'Taurus',
    model: 'PT111',
    caliber: '9mm',
    type: 'pistol',
    serialNumber: 'TESTNOREC-3003',
    countryOfManufacture: 'BR',
    importer: 'Taurus International',
  },
  {
    manufacturer: 'Colt',
    model: 'Detective Special',
    caliber: '.38 Special',
    type: 'revolver',
    serialNumber: 'TESTPRE68-4004',
    countryOfManufacture: 'US',
  },
  {
    manufacturer: 'Norinco',
    model: 'Type 56',
    caliber: '7.62x39mm',
    type: 'rifle',
    serialNumber: 'TESTINFO-5005',
    countryOfManufacture: 'CN',
  },
  {
    manufacturer: 'Ruger',
    model: 'LCP',
    caliber: '.380 ACP',
    type: 'pistol',
    serialNumber: 'TESTFLAKY-6006',
    countryOfManufacture: 'US',
  },
  {
    manufacturer: 'Beretta',
    model: '92FS',
    caliber: '9mm',
    type: 'pistol',
    serialNumber: 'BER-92-771204',
    countryOfManufacture: 'IT',
    importer: 'Beretta USA Corp.',
  },
  {
    manufacturer: 'Jennings',
    model: 'J-22',
    caliber: '.22 LR',
    type: 'pistol',
    serialNumber: 'J22-448812',
    countryOfManufacture: 'US',
  },
  {
    manufacturer: 'Bersa',
    model: 'Thunder 380',
    caliber: '.380 ACP',
    type: 'pistol',
    serialNumber: 'BT-551092',
    countryOfManufacture: 'AR',
  },
  {
    manufacturer: 'Mossberg',
    model: '500',
    caliber: '12 gauge',
    type: 'shotgun',
    serialNumber: 'MV-0993311',
    countryOfManufacture: 'US',
  },
  {
    manufacturer: 'Hi-Point',
    model: 'C9',
    caliber: '9mm',
    type: 'pistol',
    serialObliterated: true,
    countryOfManufacture: 'US',
  },
  {
    manufacturer: 'IMI',
    model: 'Uzi',
    caliber: '9mm',
    type: 'submachine_gun',
    serialNumber: 'UZI-44120',
    countryOfManufacture: 'IL',
    importer: 'Action Arms Ltd.',
  },
];

/**
 * One straw purchaser's guns (the mock tracing center gives every TESTSTRAW gun the same buyer and dealer, sold 120
 * days before the recovery), from one batch: the intelligence page has a repeat purchaser, a dealer cluster, short
 * times-to-crime and a serial sequence to show once the worker has traced them.
 */
const STRAW_WEAPONS = ['TESTSTRAW-88101', 'TESTSTRAW-88102', 'TESTSTRAW-88117'].map(
  (serialNumber) =>
    ({
      manufacturer: 'Smith & Wesson',
      model: 'SD9VE',
      caliber: '9mm',
      type: 'pistol',
      serialNumber,
      countryOfManufacture: 'US',
    }) as const,
);

export interface DemoUser {
  role: Role;
  email: string;
  token: string;
}

/** Seeds the demo data once; on later runs it only issues fresh tokens for the demo users. */
export async function seedDemo(db: Db): Promise<{ seeded: boolean; users: DemoUser[]; password: string }> {
  const existing = await usersByEmail(
    db,
    USERS.map((u) => u.email),
  );
  if (existing.length === USERS.length) {
    const users = await db.transaction(async (trx) =>
      Promise.all(
        existing.map(async (user) => {
          await revokeTokens(trx, user.id, 'api');
          await notifyIdentityChanged(trx, `user:${user.id}`);
          const { token, hash } = newToken(API_TOKEN_PREFIX);
          await insertToken(trx, user.id, hash);
          await cliAudit(trx, 'user.token_rotated', 'user', user.id);
          return { role: user.role, email: user.email, token };
        }),
      ),
    );
    return { seeded: false, users, password: DEMO_PASSWORD };
  }

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users: DemoUser[] = [];
  await db.transaction(async (trx) => {
    const agencies = await upsertAgencies(trx, AGENCIES);
    const agencyId = (code: string) => agencies.find((a) => a.code === code)!.id;
    for (const user of USERS) {
      const created = await createUserWithToken(
        trx,
        { name: user.name, email: user.email, role: user.role, agencyId: agencyId(user.agency) },
        async (inner, row) => {
          await setPasswordHash(inner, row.id, passwordHash);
          await cliAudit(inner, 'user.created', 'user', row.id);
        },
      );
      users.push({ role: user.role, email: user.email, token: created.token });
    }
  });

  const [custodian, second] = users.filter((u) => u.role === 'stockpile_manager');
  await seedDiversion(db, await contextForToken(db, custodian!.token));
  await seedStocktake(db, await contextForToken(db, custodian!.token), await contextForToken(db, second!.token));
  const investigator = await contextForToken(db, users.find((u) => u.role === 'investigator')!.token);
  const traces = new TraceService(systemClock);
  const offenses = [
    'homicide',
    'robbery',
    'extortion',
    'drug_trafficking',
    'illegal_possession',
    'arms_trafficking',
  ] as const;
  const places = ['Soyapango', 'Santa Ana', 'San Miguel', 'Apopa', 'Mejicanos', 'Ilopango'];
  const titles: Record<(typeof offenses)[number], string> = {
    homicide: 'Homicidio',
    robbery: 'Robo a mano armada',
    extortion: 'Extorsión',
    drug_trafficking: 'Narcotráfico',
    illegal_possession: 'Tenencia ilegal de arma de fuego',
    arms_trafficking: 'Tráfico de armas',
  };
  for (let i = 0; i < 12; i++) {
    const caseNumber = `PNC-DAE-2026-${String(101 + i).padStart(4, '0')}`;
    const kase = await createCase(db, investigator, {
      caseNumber,
      title: `${titles[offenses[i % offenses.length]!]} en ${places[i % places.length]}`,
      offense: offenses[i % offenses.length]!,
    });
    const recoveredDaysAgo = 5 + i * 9;
    await traces.create(db, investigator, {
      caseId: kase.id,
      weapon: WEAPONS[i]!,
      recovery: {
        date: new Date(Date.now() - recoveredDaysAgo * 86_400_000).toISOString().slice(0, 10),
        country: 'SV',
        department: DEPARTMENTS[i % DEPARTMENTS.length],
        circumstance: i % 3 === 0 ? 'crime_scene' : 'seizure',
      },
      possessor:
        i % 2 === 0
          ? { firstName: 'José', lastName: `Martínez ${i}`, dateOfBirth: '1995-03-14', nationality: 'SV' }
          : undefined,
      urgent: i === 0 || i === 6,
      urgentReason: i === 0 || i === 6 ? 'Sospechoso detenido; audiencia en 72 horas' : undefined,
      draft: i >= 10,
    });
  }
  const straw = await createCase(db, investigator, {
    caseNumber: 'PNC-DAE-2026-0201',
    title: 'Tráfico de armas: pistolas de un mismo comprador',
    offense: 'arms_trafficking',
  });
  for (const [i, weapon] of STRAW_WEAPONS.entries()) {
    await traces.create(db, investigator, {
      caseId: straw.id,
      weapon,
      recovery: {
        date: daysAgo(3 + i * 11),
        country: 'SV',
        department: DEPARTMENTS[(i + 3) % DEPARTMENTS.length],
        circumstance: 'seizure',
      },
    });
  }
  return { seeded: true, users, password: DEMO_PASSWORD };
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/**
 * What makes the alerts inbox worth opening on day one: the Bersa was destroyed by the custodian months ago and the
 * Beretta was reported stolen from the armoury; the demo traces below recover both (a critical and a warning alert).
 */
async function seedDiversion(db: Db, custodian: Awaited<ReturnType<typeof contextForToken>>) {
  const item = await new StockpileService(systemClock).intake(db, custodian, {
    weapon: WEAPONS[8]!,
    source: 'seized',
    intakeDate: daysAgo(200),
    storageLocation: 'Bodega central, estante 2',
  });
  const destructions = new DestructionService(systemClock);
  const plan = await destructions.plan(db, custodian, {
    plannedFor: daysAgo(150),
    method: 'cutting',
    location: 'Polígono de la PNC, San Salvador',
    itemIds: [item.id],
  });
  await destructions.complete(db, custodian, plan.id, {
    performedAt: `${daysAgo(150)}T15:00:00Z`,
    witnesses: [
      { name: 'Lic. Ana Rivas', organization: 'Fiscalía General de la República' },
      { name: 'John Miller', organization: 'US Embassy (INL)' },
    ],
  });
  await new RegistryService(systemClock).file(db, custodian, {
    weapon: WEAPONS[6]!,
    kind: 'stolen',
    lostOn: daysAgo(120),
    sourceType: 'agency_stockpile',
    circumstances: 'Faltante en el inventario trimestral del armero de la delegación Centro.',
    location: { country: 'SV', department: 'San Salvador' },
    policeReportNumber: 'PNC-DAE-2026-0042',
  });
}

/**
 * A store counted last month by two people, one pistol not found: the stocktake view has a result to open, the item a
 * critical `stock_discrepancy` alert, and the advisor's region view a store counted and another never counted.
 */
async function seedStocktake(
  db: Db,
  custodian: Awaited<ReturnType<typeof contextForToken>>,
  second: Awaited<ReturnType<typeof contextForToken>>,
) {
  const storageLocation = 'Bodega central, estante 4';
  const stockpile = new StockpileService(systemClock);
  const models = [
    ['Taurus', 'PT92', '9mm', 'BR', 'Taurus International'],
    ['Bersa', 'Thunder 380', '.380 ACP', 'AR', 'Bersa S.A.'],
    ['Smith & Wesson', 'SD9VE', '9mm', 'US', ''],
    ['Jericho', '941', '9mm', 'IL', 'IWI US'],
    ['Taurus', 'G2C', '9mm', 'BR', 'Taurus International'],
    ['Hi-Point', 'C9', '9mm', 'US', ''],
  ] as const;
  const items = [];
  for (const [i, [manufacturer, model, caliber, country, importer]] of models.entries())
    items.push(
      await stockpile.intake(db, custodian, {
        weapon: {
          manufacturer,
          model,
          caliber,
          type: 'pistol',
          serialNumber: `ST${4410 + i}K`,
          countryOfManufacture: country,
          ...(importer ? { importer } : {}),
        },
        source: i % 2 ? 'surrendered' : 'seized',
        intakeDate: daysAgo(300 - i * 20),
        storageLocation,
      }),
    );
  const stocktakes = new StocktakeService(systemClock);
  const count = await stocktakes.open(db, custodian, { storageLocation, note: 'Conteo anual 2026 (ISACS 05.20)' });
  for (const item of items.slice(0, -1))
    await stocktakes.count(db, second, count.id, { itemReference: item.reference });
  await stocktakes.close(db, second, count.id, {
    note: 'Falta la Hi-Point C9: se informó a la jefatura y a la Fiscalía.',
  });
}
