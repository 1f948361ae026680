import { limitCases } from './cases.js';
import { describeConformance } from './suite.js';

// Its own file, so the 9 and 11 MB uploads run beside the other groups on the second worker.
describeConformance('body limits', limitCases);
