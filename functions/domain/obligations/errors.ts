import { BreachNoticeError } from '../../shared/errors.js';

/** The incident has no obligation of that id (the CLI lists the ones it has). */
export class ObligationNotFoundError extends BreachNoticeError {}

/** The obligation is not in a state that allows the action (e.g. filing one marked not applicable). */
export class ObligationStateError extends BreachNoticeError {}

/** Someone saved a newer version of the regulator report since it was read, or approval names an old one. */
export class ReportVersionConflictError extends BreachNoticeError {}
