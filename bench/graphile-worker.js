// Graphile Worker's batched no-op jobs on the database Till's automation engine benchmark runs on, the peer of Till's
// 1-step automations: `node bench/graphile-worker.js <postgres url> <jobs> [warm rounds]` with graphile-worker installed where
// NODE_PATH points (bench/automation-engine installs it into a temporary folder). Prints one line:
// "graphile-worker <version>: <jobs> jobs in <s> s = <rate> jobs/s".
// Configured as Graphile's own performance page measures it (24 concurrent jobs, a local queue of 500, completions
// batched), and timed as Till is: from the commit of one bulk insert of due jobs to the table empty, after untimed
// rounds of the same (1 unless told), as each engine in the benchmark gets.
const { run, makeWorkerUtils, Logger } = require("graphile-worker");
const { Client } = require("pg");
const fs = require("fs");
const path = require("path");

const [connectionString, jobsArg, warmArg] = process.argv.slice(2);
const jobs = Number(jobsArg);
const warmRounds = Number(warmArg || 1);
const quiet = new Logger(() => () => {});

async function empty(client) {
  const { rows } = await client.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
  return rows[0].n === 0;
}

async function drain(utils, client, count) {
  await utils.addJobs(Array.from({ length: count }, () => ({ identifier: "noop", payload: {} })));
  const start = process.hrtime.bigint();
  while (!(await empty(client))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main() {
  const utils = await makeWorkerUtils({ connectionString, logger: quiet });
  await utils.migrate();
  const client = new Client({ connectionString });
  await client.connect();
  const runner = await run({
    preset: {
      worker: {
        connectionString,
        concurrentJobs: 24,
        maxPoolSize: 10,
        pollInterval: 100,
        localQueue: { size: 500 },
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
    logger: quiet,
    noHandleSignals: true,
    taskList: { noop: async () => {} },
  });
  for (let round = 0; round < warmRounds; round++) {
    await drain(utils, client, jobs);
  }
  const seconds = await drain(utils, client, jobs);
  const manifest = path.join(path.dirname(require.resolve("graphile-worker")), "..", "package.json");
  const version = JSON.parse(fs.readFileSync(manifest, "utf8")).version;
  console.log(`graphile-worker ${version}: ${jobs} jobs in ${seconds.toFixed(2)} s = ${Math.round(jobs / seconds)} jobs/s`);
  await runner.stop();
  await client.end();
  await utils.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
