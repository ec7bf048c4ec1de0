/** `npm run validate -- <url>`: the runtime checks of `openenv validate --url`, as a JSON report. */
import { validateRunningEnvironment } from '../client/validate.js';

const url = process.argv[2] ?? 'http://localhost:7860';
validateRunningEnvironment(url).then(
  (report) => {
    console.log(JSON.stringify(report, null, 2));
    process.exit(report.passed ? 0 : 1);
  },
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
