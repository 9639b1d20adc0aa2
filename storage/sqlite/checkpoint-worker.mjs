// Runs WAL checkpoints of a Parley SQLite database on its own thread and connection, so the copy of
// WAL frames into the database file never stalls the event loop of the process that writes.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const db = new BetterSqlite3(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    // PASSIVE never waits for writers or readers: it copies what it can and leaves the rest for next time.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // the database is busy or closing; try again on the next tick
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
