import { DashboardConfigError, env } from './env';

try {
  env();
} catch (error) {
  if (!(error instanceof DashboardConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
