// GitLab renders one instant three ways, and clients meet all of them:

/** ActiveRecord time in REST JSON: `2019-01-10T13:38:57.391Z`. */
export function railsTime(date: Date): string {
  return date.toISOString();
}

/** Ruby DateTime in REST JSON (registry tag times): `2019-01-06T16:49:51.272+00:00`. */
export function dateTimeJson(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** GraphQL `Time` of an ActiveRecord time (`TimeWithZone#iso8601`): `2019-01-10T13:38:57Z`. */
export function graphqlRecordTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** GraphQL `Time` of a registry DateTime (`DateTime#iso8601`): `2019-01-06T16:49:51+00:00`. */
export function graphqlDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}
