/** Plausible names for the mock tracing center's answers. */
export const US_PLACES: [city: string, state: string][] = [
  ['Houston', 'TX'], ['San Antonio', 'TX'], ['Dallas', 'TX'], ['McAllen', 'TX'], ['Phoenix', 'AZ'], ['Tucson', 'AZ'],
  ['Los Angeles', 'CA'], ['Miami', 'FL'], ['Orlando', 'FL'], ['Atlanta', 'GA'], ['Charlotte', 'NC'], ['Richmond', 'VA'],
  ['Nashville', 'TN'], ['Las Vegas', 'NV'], ['Albuquerque', 'NM'], ['Denver', 'CO'],
];
export const DEALER_WORDS = ['Lone Star', 'Frontier', 'Patriot', 'Gulf Coast', 'Desert', 'Liberty', 'Eagle', 'Heritage', 'Southern', 'Valley'];
export const DEALER_KINDS = ['Guns & Ammo', 'Firearms', 'Outdoors', 'Sporting Goods', 'Pawn & Gun', 'Arms'];
export const EXPORTERS = ['Century Arms Export LLC', 'Gulf Coast Arms Export Inc.', 'Americas Firearms Export Co.', 'Southern Cross Trading LLC'];
export const FIRST_NAMES = ['James', 'Robert', 'Michael', 'David', 'Maria', 'Jose', 'Linda', 'Carlos', 'Jennifer', 'Luis', 'Ashley', 'Brandon'];
export const LAST_NAMES = ['Smith', 'Johnson', 'Garcia', 'Martinez', 'Rodriguez', 'Williams', 'Hernandez', 'Lopez', 'Brown', 'Davis', 'Flores'];
