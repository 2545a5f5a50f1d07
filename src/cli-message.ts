import { RedisUnavailableError } from './errors.js';

/**
 * The line the CLI prints for the error that ended a command. The library's errors speak to a
 * program (RedisUnavailableError's jobIds: "ask result() for them"); a command's user has the
 * command, so there it says what became of the jobs and what running it again does.
 */
export function cliMessage(err: unknown): string {
  if (err instanceof RedisUnavailableError && err.jobIds?.length) {
    const ids = err.jobIds;
    const shown = ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
    const cause = err.cause instanceof Error ? err.cause.message : String(err.cause);
    const one = ids.length === 1;
    return (
      `strdist: Redis at ${err.where} is not reachable: ${cause}; ${ids.length} job${one ? '' : 's'} of this command ` +
      `(${shown}) may have been queued before it went and may still run: running the command again queues ${one ? 'it' : 'them'} again`
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith('strdist') ? message : `strdist: ${message}`;
}
