export * from './adobe-sign.js';
export * from './ignisign.js';
export * from './signit.js';
export * from './docstudio.js';
export * from './simulator.js';
