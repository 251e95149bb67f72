// Every database session Cascade opens runs in UTC. Prisma's pg adapter sends a Date as a
// wall-clock timestamp without an offset, so in a session of any other time zone each createdAt it
// writes or compares is shifted by that zone's offset (seen: 02:30Z stored as 09:30Z under
// America/Los_Angeles), while the COPY writer's values are not; and rollup buckets (date_trunc,
// ::date) follow the session zone too. Postgres takes its default zone from the host at initdb, so
// a server outside UTC is common: the zone is set per connection, not assumed.
const UTC_OPTION = '-c TimeZone=UTC';

/** The URL with `-c TimeZone=UTC` appended to its libpq `options` (a later -c wins over earlier ones). */
export function utcSessionUrl(url: string): string {
  const u = new URL(url);
  const options = u.searchParams.get('options') ?? '';
  if (options.endsWith(UTC_OPTION)) return url;
  u.searchParams.set('options', options ? `${options} ${UTC_OPTION}` : UTC_OPTION);
  return u.toString();
}
