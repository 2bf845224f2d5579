import type { Role } from '../../shared/actor.ts';
import type { Language } from '../i18n/i18n.ts';

export interface GuideStep {
  title: string;
  text: string;
  /** A screenshot the browser tests take on that page (src/web/public/guide/<image>.jpg). */
  image?: string;
}

/**
 * The user guide, per role and language: a working day in a few steps. The screenshots are refreshed by the browser
 * tests (tests/web-guide.test.ts), so the pictures show the screens as they are.
 */
export const GUIDE: Record<Role, Record<Language, { lead: string; steps: GuideStep[] }>> = {
  investigator: {
    es: {
      lead: 'Usted registra los casos y pide un rastreo por cada arma recuperada. El rastreo dice de dónde vino el arma: fabricante, importador, armería y primer comprador.',
      steps: [
        {
          title: 'Abra o busque el caso',
          text: 'En «Casos», cree el caso con su número (el de la Fiscalía o la PNC) o búsquelo por número o título.',
          image: 'investigator-cases',
        },
        {
          title: 'Pida el rastreo',
          text: 'En «Rastreos» → «Nuevo rastreo», describa el arma tal como está marcada (fabricante, modelo, calibre, serie, país de fabricación e importador) y la recuperación. Si el arma es extranjera y no sabe el importador, el rastreo pasa primero por el asesor regional.',
          image: 'investigator-new-trace',
        },
        {
          title: 'Siga el avance',
          text: 'La página del rastreo muestra cada etapa a medida que el centro de rastreo responde, y el resultado al final. Si el centro pide información, corrija los datos con «Editar» y reenvíe.',
          image: 'investigator-trace',
        },
        {
          title: 'Varios rastreos a la vez',
          text: 'En «Carga masiva», suba un CSV con una fila por arma; indique el caso por su número en la columna caseNumber. La sección «Columnas» lista los códigos aceptados.',
          image: 'investigator-bulk',
        },
        {
          title: 'Alertas',
          text: 'Las «Alertas» avisan si un arma fue reportada robada, está en custodia o consta como destruida; las críticas van primero y cada una dice qué hacer. Un arma con una alerta abierta lleva una franja roja en su rastreo y una marca en las listas.',
          image: 'investigator-alerts',
        },
        {
          title: 'Sin conexión',
          text: 'Si se pierde la conexión, la aplicación lo indica y sigue abierta. Un rastreo nuevo o una denuncia de arma perdida o robada se guarda cifrado en este dispositivo («Pendientes») y se envía solo, una sola vez, al volver la conexión; si el servidor lo rechaza, ábralo para ver por qué. Al cerrar la sesión se borran los pendientes (se le avisa cuántos). Si su sesión vence a mitad de un formulario, al ingresar de nuevo lo recupera.',
        },
        {
          title: 'Fotografías de los marcajes',
          text: 'En la página del rastreo, «Tomar una foto» abre la cámara del teléfono; fotografíe cada marcaje y la serie, elija qué muestra cada foto y, si quiere, una leyenda. Cada foto sube con su barra de avance; si la conexión se cae, «Reintentar» la envía sin duplicarla. Quien revisa el rastreo las ve junto a la serie escrita. Una foto equivocada se retira con un motivo: deja la lista pero se conserva.',
        },
        {
          title: 'Inteligencia',
          text: '«Inteligencia» reúne los patrones de tráfico (un mismo comprador o armería detrás de varias armas) de su institución. El resultado de un rastreo muestra el tiempo hasta el delito en años y meses, y los indicadores de los que forma parte.',
          image: 'investigator-intelligence',
        },
      ],
    },
    en: {
      lead: 'You record cases and request a trace for every recovered gun. The trace says where the gun came from: maker, importer, dealer and first buyer.',
      steps: [
        {
          title: 'Open or find the case',
          text: 'Under “Cases”, create the case with its number (the prosecutor’s or police number) or search it by number or title.',
          image: 'investigator-cases',
        },
        {
          title: 'Request the trace',
          text: 'Under “Traces” → “New trace”, describe the gun as it is marked (maker, model, caliber, serial, country of manufacture and importer) and the recovery. A foreign gun without a known importer goes to the regional advisor first.',
          image: 'investigator-new-trace',
        },
        {
          title: 'Follow it',
          text: 'The trace page shows each stage as the tracing center answers, and the result at the end. If the center asks for information, correct the data with “Edit” and resubmit.',
          image: 'investigator-trace',
        },
        {
          title: 'Many traces at once',
          text: 'Under “Bulk upload”, upload a CSV with one row per gun; name the case by its number in the caseNumber column. The “Columns” section lists the accepted codes.',
          image: 'investigator-bulk',
        },
        {
          title: 'Alerts',
          text: '“Alerts” tell you when a gun was reported stolen, is in custody or was recorded as destroyed; critical ones come first and each says what to do. A gun with an open alert carries a red band on its trace and a flag in the lists.',
          image: 'investigator-alerts',
        },
        {
          title: 'Without a connection',
          text: 'When the link drops, the app says so and stays open. A new trace or a lost-or-stolen report is saved encrypted on this device (“Waiting”) and sent by itself, once, when the link returns; if the server refuses it, open it to see why. Signing out deletes what waits (you are told how many). If your session expires in the middle of a form, signing in again brings it back.',
        },
        {
          title: 'Photographs of the markings',
          text: 'On the trace page, “Take a photo” opens the phone’s camera; photograph every marking and the serial, choose what each shows and, if you like, a caption. Each photo uploads with its progress bar; if the link drops, “Try again” sends it without a duplicate. Whoever reviews the trace sees them next to the typed serial. A wrong photo is retracted with a reason: it leaves the list but is kept.',
        },
        {
          title: 'Intelligence',
          text: '“Intelligence” gathers trafficking patterns (one buyer or dealer behind several guns) of your agency. A trace’s result shows the time to crime in years and months, and the indicators the trace is part of.',
          image: 'investigator-intelligence',
        },
      ],
    },
  },
  advisor: {
    es: {
      lead: 'Usted revisa la cola de rastreos de las instituciones de su región, verifica destrucciones y sigue los indicadores de tráfico.',
      steps: [
        {
          title: 'El panel',
          text: 'El «Panel» resume los rastreos de la región por estado, los urgentes y los vencidos.',
          image: 'advisor-dashboard',
        },
        {
          title: 'La cola de revisión',
          text: 'Cada fila dice por qué requiere revisión (urgencia, número de serie borrado, arma extranjera sin importador). Apruebe para enviarlo al centro de rastreo o devuélvalo con un mensaje; un aviso confirma lo hecho, con un enlace al rastreo.',
          image: 'advisor-queue',
        },
        {
          title: 'Destrucciones',
          text: 'En «Destrucciones», verifique como segunda persona las destrucciones que otra persona registró.',
          image: 'advisor-destructions',
        },
        {
          title: 'Conteos de los depósitos',
          text: 'En «Conteos», los depósitos de la región aparecen por la fecha de su último conteo completo; los que no se contaron en un año están «Atrasados», resaltados y primero. Cada conteo cerrado muestra lo que faltó; cada arma faltante es una alerta crítica para usted y la institución.',
          image: 'advisor-stocktakes',
        },
        {
          title: 'El informe por país',
          text: 'En «Informes» → «Informe por país», elija el país y el año de recuperación: las armas recuperadas y rastreadas (cada arma una vez), las de origen estadounidense, el mapa de los estados de origen (toque o pase el cursor sobre un estado para ver cuántas y qué parte; los estados sin ninguna se ven en el color del cero), los tipos, fabricantes, calibres, el tiempo hasta el delito y la comparación con el año anterior. «Hoja de cálculo (CSV)» se abre bien en Excel en español; «Informe imprimible (PDF)» es el documento para un ministerio o un donante, con su advertencia: los datos de rastreo no son una muestra aleatoria.',
          image: 'advisor-country-report',
        },
        {
          title: 'Informes',
          text: 'Los «Informes» cuentan los rastreos por fecha de recuperación; el CSV se descarga en el idioma de la página.',
          image: 'advisor-reports',
        },
      ],
    },
    en: {
      lead: 'You review the trace queue of your region’s agencies, verify destructions and follow the trafficking indicators.',
      steps: [
        {
          title: 'The dashboard',
          text: 'The “Dashboard” sums up the region’s traces by status, the urgent and the overdue ones.',
          image: 'advisor-dashboard',
        },
        {
          title: 'The review queue',
          text: 'Each row says why it needs review (urgency, obliterated serial, foreign gun without importer). Approve to send it to the tracing center, or return it with a message; a notice confirms what you did, with a link to the trace.',
          image: 'advisor-queue',
        },
        {
          title: 'Destructions',
          text: 'Under “Destructions”, verify as a second person the destructions someone else recorded.',
          image: 'advisor-destructions',
        },
        {
          title: 'Stocktakes of the stores',
          text: 'Under “Stocktakes”, the region’s stores are listed by the date of their last full count; those not counted within a year are “Overdue”, highlighted and first. Each closed count shows what was missing; each missing gun is a critical alert for you and the agency.',
          image: 'advisor-stocktakes',
        },
        {
          title: 'The country report',
          text: 'Under “Reports” → “Country report”, choose the country and the year of recovery: the guns recovered and traced (each gun once), those sourced from the United States, the map of source states (touch or hover a state for how many and what share; states with none show in the colour of zero), the types, manufacturers, calibers, time-to-crime and the comparison with the year before. “Spreadsheet (CSV)” opens right in Excel in Spanish; “Printable report (PDF)” is the document for a ministry or a donor, with its caveat: trace data are not a random sample.',
          image: 'advisor-country-report',
        },
        {
          title: 'Reports',
          text: '“Reports” count traces by recovery date; the CSV downloads in the page’s language.',
          image: 'advisor-reports',
        },
      ],
    },
  },
  stockpile_manager: {
    es: {
      lead: 'Usted lleva el registro de las armas en custodia y registra su destrucción, presenciada y verificada.',
      steps: [
        {
          title: 'Registrar un ingreso',
          text: 'En «Registro de custodia» → «Registrar ingreso», busque el arma por su serie y elíjala de la lista, o descríbala si es nueva. Si el arma pertenece a un caso abierto, ingresa bajo ese caso y queda retenida como evidencia. Si el arma tiene una alerta abierta (reportada robada, o consta como destruida), una franja roja y un aviso lo detienen: lea la alerta antes de seguir.',
          image: 'stockpile-intake',
        },
        {
          title: 'La ficha del elemento',
          text: 'Cada elemento tiene su página con su historial: ingreso, retenciones y liberaciones con su motivo, programación y destrucción.',
          image: 'stockpile-item',
        },
        {
          title: 'Planificar y registrar la destrucción',
          text: 'En «Destrucciones» → «Planificar», elija los elementos que se pueden destruir (no un arma reportada robada ni una con una alerta crítica abierta). El día de la destrucción, registre la fecha, el método y al menos dos testigos; una confirmación le recuerda que no se puede deshacer.',
          image: 'stockpile-destruction',
        },
        {
          title: 'Fotografías de antes y después',
          text: 'En la página de la destrucción, adjunte al menos una fotografía de antes y una de después: sin ellas no se puede verificar. Las fotos del elemento en custodia se adjuntan en su ficha. Una vez verificada, la destrucción ya no admite ni retira fotos.',
        },
        {
          title: 'El acta',
          text: 'Otra persona verifica la destrucción. El acta imprime las fotografías de antes y después. El acta en PDF/A lleva el membrete de su institución, su hora local y las líneas de firma de los testigos y de quien verifica; una copia sin verificar lleva la marca «NO VERIFICADO».',
        },
        {
          title: 'Etiquetas',
          text: 'Cada elemento lleva una etiqueta con su referencia, el arma y un código QR de la referencia. En la ficha del elemento, «Imprimir etiqueta» la imprime para una impresora de etiquetas (62 × 29 mm) o en hojas A4; en «Conteos», «Etiquetas» imprime las de todo un depósito (hojas A4 de 24 o de 14).',
        },
        {
          title: 'Contar un depósito',
          text: 'Al menos una vez al año, cuente cada depósito completo. En «Conteos» → «Contar un depósito», escriba la ubicación tal como figura en los ingresos: se esperan los elementos en custodia o programados allí en ese momento. En el teléfono, «Escanear con la cámara» lee la etiqueta; un lector tipo teclado escribe el código y pulsa Intro; también puede escribir la referencia o, sin etiqueta, buscar por la serie. Cada lectura responde al instante con un tono: «Encontrado», «Ya contado», «No se esperaba aquí» (se registra y se explica: ingresó durante el conteo, su registro indica otra ubicación…) o «No es nuestro» (no se registra nada). Dos teléfonos pueden contar a la vez: cada elemento cuenta una sola vez. La lista «Esperados, aún sin contar» dice qué falta por encontrar.',
          image: 'stockpile-stocktake',
        },
        {
          title: 'Cerrar el conteo',
          text: 'Otro encargado de arsenal lo cierra, en el mismo teléfono, con su propio correo y contraseña y una nota (quien lo abrió no puede). Lo que no se contó queda como faltante y levanta una alerta crítica para su institución y el asesor regional; si un conteo posterior lo encuentra, la alerta se cierra sola con una nota. Un arma destruida durante el conteo no falta: sale en «Salieron de la custodia». La «Hoja de conteo (PDF)» lleva las dos firmas.',
        },
      ],
    },
    en: {
      lead: 'You keep the register of guns in custody and record their witnessed, verified destruction.',
      steps: [
        {
          title: 'Take a gun in',
          text: 'Under “Custody register” → “Register intake”, search the gun by its serial and pick it from the list, or describe it if it is new. A gun that belongs to an open case comes in under that case, held as evidence. A gun with an open alert (reported stolen, or recorded as destroyed) stops you with a red band and a dialog: read the alert before going on.',
          image: 'stockpile-intake',
        },
        {
          title: 'The item page',
          text: 'Each item has its page with its history: intake, holds placed and released with their reason, scheduling and destruction.',
          image: 'stockpile-item',
        },
        {
          title: 'Plan and record the destruction',
          text: 'Under “Destructions” → “Plan”, choose the items that can be destroyed (not a gun reported stolen, nor one with an open critical alert). On the day, record the time, the method and at least two witnesses; a confirmation reminds you it cannot be undone.',
          image: 'stockpile-destruction',
        },
        {
          title: 'Photographs before and after',
          text: 'On the destruction page, attach at least one photograph before and one after: without them it cannot be verified. An item’s own photographs go on its page. Once verified, the destruction takes and retracts no more photos.',
        },
        {
          title: 'The certificate',
          text: 'Another person verifies the destruction. The certificate prints the photographs before and after. The PDF/A certificate carries your agency’s letterhead, its local time and signature lines for the witnesses and the verifier; an unverified copy is marked “NOT VERIFIED”.',
        },
        {
          title: 'Labels',
          text: 'Each item carries a label with its reference, the gun and a QR code of the reference. On the item page, “Print label” prints it for a label printer (62 × 29 mm) or on A4 sheets; under “Stocktakes”, “Labels” prints a whole store’s (A4 sheets of 24 or 14).',
        },
        {
          title: 'Count a store',
          text: 'At least once a year, count each store in full. Under “Stocktakes” → “Count a store”, type the location as the intakes name it: the items in custody or scheduled there at that moment are expected. On the phone, “Scan with the camera” reads the label; a keyboard-style scanner types the code and presses Enter; you can also type the reference or, with no label, look it up by serial. Each scan answers at once with a tone: “Found”, “Already counted”, “Not expected here” (recorded and explained: taken in during the count, its record names another location…) or “Not ours” (nothing recorded). Two phones can count at once: each item counts once. The list “Expected, not counted yet” says what is left to find.',
          image: 'stockpile-stocktake',
        },
        {
          title: 'Close the count',
          text: 'Another stockpile manager closes it, on the same phone, with their own email and password and a note (the one who opened it cannot). What was not counted is missing and raises a critical alert for your agency and the regional advisor; if a later count finds it, the alert closes by itself with a note. A gun destroyed during the count is not missing: it is listed under “Left custody”. The “Count sheet (PDF)” carries both signatures.',
        },
      ],
    },
  },
  admin: {
    es: {
      lead: 'Usted administra las instituciones, los usuarios y los webhooks, y consulta la bitácora de auditoría.',
      steps: [
        {
          title: 'Instituciones y regiones',
          text: 'En «Administración» → «Nueva institución», dé su código, nombre, país y región. Una región es el código que comparten sus instituciones: un asesor ve todas las de la suya, y un código nuevo crea una región. «Editar» cambia el nombre, el país, la región o si sus rastreos requieren revisión.',
          image: 'admin-administration',
        },
        {
          title: 'Usuarios y tokens',
          text: 'En «Nuevo usuario», dé su nombre, correo, rol e institución, y una contraseña para que ingrese aquí. Su token de la API se muestra una sola vez. «Editar» cambia el nombre, el rol o la contraseña; «Nuevo token» anula los anteriores; «Desactivar» cierra sus sesiones y anula sus tokens de inmediato.',
          image: 'admin-users',
        },
        {
          title: 'Webhooks',
          text: 'Registre los sistemas que reciben los eventos de una institución; el secreto de firma se muestra una sola vez.',
        },
      ],
    },
    en: {
      lead: 'You manage agencies, users and webhooks, and read the audit log.',
      steps: [
        {
          title: 'Agencies and regions',
          text: 'Under “Administration” → “New agency”, give its code, name, country and region. A region is the code its agencies share: an advisor sees every agency of theirs, and a new code makes a new region. “Edit” changes the name, the country, the region or whether its traces need review.',
          image: 'admin-administration',
        },
        {
          title: 'Users and tokens',
          text: 'Under “New user”, give their name, email, role and agency, and a password to sign in here. Their API token is shown once. “Edit” changes the name, the role or the password; “New token” revokes the old ones; “Deactivate” signs them out and revokes their tokens at once.',
          image: 'admin-users',
        },
        {
          title: 'Webhooks',
          text: 'Register the systems that receive an agency’s events; the signing secret is shown once.',
        },
      ],
    },
  },
};
