import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { eventually, text, waitFor } from '../helpers/wait.ts';

/** The value of one sample line of a Prometheus text exposition. */
function sample(metrics: string, line: string): number {
  const m = metrics.split('\n').find((l) => l.startsWith(`${line} `));
  return m ? Number(m.slice(line.length + 1)) : 0;
}

describe('GET /metrics', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start();
    await server.importAccounts(['m1', 'm2']);
  });

  afterAll(async () => {
    await server.stop();
  });

  const scrape = async (): Promise<string> => (await fetch(`${server.url}/metrics`)).text();

  it('counts stored entries, deliveries, connections and actors, and times sends', async () => {
    const m2 = await server.login('m2');
    let got = 0;
    m2.onEvent(() => got++);
    for (let i = 0; i < 3; i++) await server.rest('openim/sendmsg', { From_Account: 'm1', To_Account: 'm2', MsgRandom: i, MsgBody: text(`x${i}`) });
    await waitFor(() => got >= 3, 'three deliveries');
    const m = await scrape();
    expect(sample(m, 'parley_entries_stored_total{kind="u"}')).toBe(6);
    expect(sample(m, 'parley_deliveries_total')).toBe(3);
    expect(sample(m, 'parley_connections')).toBe(1);
    expect(sample(m, 'parley_actors_active{type="inbox"}')).toBe(2);
    expect(sample(m, 'parley_send_seconds_count{path="c2c",transport="rest"}')).toBe(3);
    expect(sample(m, 'parley_rest_seconds_count{command="openim/sendmsg",code="0"}')).toBe(3);
    await m2.close();
    await eventually(async () => expect(sample(await scrape(), 'parley_connections')).toBe(0));
  });
});
