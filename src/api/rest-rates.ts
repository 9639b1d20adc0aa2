/**
 * How often each REST command may be called, per second, for the app as a whole across the
 * cluster (spec §8.4, Tencent's defaults): 200 for most commands, 100 for the account batch
 * commands, the all-member push audience commands and search_group, 10 for get_history, 1 for
 * get_appid_group_list. im_push's own quota (per day, and a gap) is its actor's. Over a command's
 * rate: 60007, or 10006 on group_open_http_svc; over the app's (optional): 60011.
 */
import type { ErrorName } from '../protocol/errors.ts';

/** Commands Tencent limits below the default, by `service/command`. */
const TENCENT_RATES: Readonly<Record<string, number>> = {
  'im_open_login_svc/multiaccount_import': 100,
  'im_open_login_svc/account_delete': 100,
  'im_open_login_svc/account_check': 100,
  'all_member_push/im_set_attr_name': 100,
  'all_member_push/im_get_attr_name': 100,
  'all_member_push/im_set_attr': 100,
  'all_member_push/im_get_attr': 100,
  'all_member_push/im_remove_attr': 100,
  'all_member_push/im_add_tag': 100,
  'all_member_push/im_get_tag': 100,
  'all_member_push/im_remove_tag': 100,
  'all_member_push/im_remove_all_tags': 100,
  'group_open_http_svc/search_group': 100,
  'group_open_http_svc/get_appid_group_list': 1,
  'open_msg_svc/get_history': 10,
};

export interface RestRateConfig {
  /** Calls a second of a command Tencent names no rate for; 0 = no per-command limits at all. */
  readonly defaultRate: number;
  /** `service/command=N` overrides, over the defaults and Tencent's. */
  readonly overrides: readonly string[];
  /** Calls a second for the whole app; 0 = none. */
  readonly appRate: number;
}

export interface RestRates {
  /** The command's calls a second, or 0 when it has no limit. */
  rateOf(path: string): number;
  readonly appRate: number;
}

/** Parses the overrides; a malformed one is a configuration error (thrown with its text). */
export function restRates(c: RestRateConfig): RestRates {
  const overrides = new Map<string, number>();
  for (const o of c.overrides) {
    const m = /^([a-z_]+\/[a-z_]+)=(\d+)$/.exec(o);
    if (!m) throw new Error(`PARLEY_REST_RATES: ${JSON.stringify(o)} is not service/command=N`);
    overrides.set(m[1], Number(m[2]));
  }
  return {
    rateOf: (path) => overrides.get(path) ?? (c.defaultRate === 0 ? 0 : Math.min(c.defaultRate, TENCENT_RATES[path] ?? c.defaultRate)),
    appRate: c.appRate,
  };
}

/** The error of a command over its rate: group_open_http_svc has its own (10006). */
export const rateError = (path: string): ErrorName => (path.startsWith('group_open_http_svc/') ? 'GroupRateLimited' : 'RestRateLimited');
