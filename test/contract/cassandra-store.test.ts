import { openCassandraStore } from '../../storage/cassandra/cassandra-store.ts';
import { dropKeyspace, freshKeyspace, unavailable } from '../helpers/services.ts';
import { runStoreContract } from './store-contract.ts';

const keyspace = freshKeyspace('parley_contract');

runStoreContract({
  name: 'Cassandra',
  unavailable: () => unavailable('cassandra'),
  destroy: () => dropKeyspace(keyspace),
  create: () =>
    openCassandraStore({
      contactPoints: (process.env.CASSANDRA_CONTACT_POINTS ?? '').split(','),
      localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
      keyspace,
      replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}",
      consistency: 'LOCAL_QUORUM',
    }),
});
