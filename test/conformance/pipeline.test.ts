import { pipelineCases } from './cases.js';
import { describeConformance } from './suite.js';

describeConformance('pipeline', pipelineCases);
