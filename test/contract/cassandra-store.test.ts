import { openCassandraStore } from '../../storage/cassandra/cassandra-store.ts';
import { freshKeyspace, unavailable } from '../helpers/services.ts';
import { runStoreContract } from './store-contract.ts';

runStoreContract({
  name: 'Cassandra',
  unavailable: () => unavailable('cassandra'),
  create: () =>
    openCassandraStore({
      contactPoints: (process.env.CASSANDRA_CONTACT_POINTS ?? '').split(','),
      localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
      keyspace: freshKeyspace('parley_contract'),
      replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}",
      consistency: 'LOCAL_QUORUM',
    }),
});
