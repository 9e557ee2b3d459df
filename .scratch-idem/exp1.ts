import { Firestore, Timestamp } from '@google-cloud/firestore';
async function main() {
  const db = new Firestore({ projectId: 'exp1', databaseId: process.argv[2] ?? '(default)' });
  const col = db.collection('idem');
  // transactions, 20 concurrent claims
  const ref = col.doc('k' + Date.now());
  let t0 = Date.now();
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (snap.exists) return 'in-progress';
    tx.set(ref, { owner: i, at: Timestamp.now() });
    return 'acquired';
  })));
  console.log('tx 20 concurrent', Date.now() - t0, 'ms', results.map(r => r.status === 'fulfilled' ? r.value : 'ERR ' + (r.reason as Error).message.slice(0, 80)));
  // CAS
  const ref2 = col.doc('c' + Date.now());
  t0 = Date.now();
  const r2 = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => ref2.create({ owner: i })));
  console.log('create 20 concurrent', Date.now() - t0, 'ms', r2.map(r => r.status === 'fulfilled' ? 'ok' : (r.reason as {code?: number}).code));
  const snap = await ref2.get();
  const w = await ref2.update({ x: 1 }, { lastUpdateTime: snap.updateTime! });
  console.log('update with precondition ok', w.writeTime.toDate().toISOString(), w.writeTime.nanoseconds);
  try { await ref2.update({ x: 2 }, { lastUpdateTime: snap.updateTime! }); console.log('stale update succeeded?!'); } catch (e) { console.log('stale update code', (e as {code?: number}).code, (e as Error).message.slice(0, 120)); }
  try { await ref2.delete({ lastUpdateTime: snap.updateTime! }); console.log('stale delete succeeded?!'); } catch (e) { console.log('stale delete code', (e as {code?: number}).code); }
  const fresh = await ref2.get();
  console.log('updateTime == writeTime', fresh.updateTime!.isEqual(w.writeTime) ? 'no (changed)' : 'different', fresh.updateTime!.toDate().toISOString());
  await db.terminate();
}
main().catch((e) => { console.error(e); process.exit(1); });
