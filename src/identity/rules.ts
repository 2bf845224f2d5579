/** Web sessions expire after this long without use... */
export const SESSION_IDLE_MINUTES = 30;
/** ...and after this long in any case. */
export const SESSION_MAX_HOURS = 12;
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 10;
