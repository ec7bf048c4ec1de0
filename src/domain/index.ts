export * from './schemas.js';
export * from './scenario.js';
export * from './episode.js';
export * from './environment.js';
export * from './grader.js';
export * from './postmortem.js';
export * from './catalog.js';
