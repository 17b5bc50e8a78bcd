// Helpers of the operations suites (ops.test.mjs, upgrade.test.mjs): what a database holds,
// table by table, to compare one state with another; and a second host, in a network
// namespace of our own, to knock from outside. Not a test file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/* The ordinary tables of a database (schema.table), each as its columns in order. */
export async function tableColumns(sql) {
	const out = await sql(`SELECT format('%I.%I', c.table_schema, c.table_name), string_agg(format('%I', c.column_name), ','
	    ORDER BY c.ordinal_position) FROM information_schema.columns c JOIN pg_tables t
	    ON t.schemaname = c.table_schema AND t.tablename = c.table_name
	    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') GROUP BY 1 ORDER BY 1`);
	return new Map(out.split('\n').filter(Boolean).map((l) => {
		const [t, cols] = l.split('|');
		return [t, cols.split(',')];
	}));
}

/*
 * Every table's row count and checksum (md5 over the md5 of each row's text, in the order of
 * those): Map 'schema.table' → 'rows md5'. columns (a Map as from tableColumns): only those
 * tables, and of each only those columns, so that a state from before an upgrade can be
 * compared with one after it, which may have added columns (not changed the old ones).
 * One statement: query_to_xml runs the query of each table without a function of our own.
 */
export async function tableSums(sql, columns = null) {
	const tables = columns ?? await tableColumns(sql);
	const parts = [...tables].map(([t, cols]) => {
		const row = `md5(ROW(${cols.join(',')})::text)`;
		const q = `SELECT count(*) AS n, md5(string_agg(${row}, '' ORDER BY ${row})) AS h FROM ${t}`;
		return `SELECT ${lit(t)} AS t, query_to_xml(${lit(q)}, false, true, '') AS x`;
	});
	const out = await sql(`SELECT t || '|' || (xpath('/row/n/text()', x))[1]::text || ' ' ||
	    coalesce((xpath('/row/h/text()', x))[1]::text, '-') FROM (${parts.join(' UNION ALL ')}) s ORDER BY t`);
	const sums = new Map(out.split('\n').filter(Boolean).map((l) => l.split('|')));
	assert.equal(sums.size, tables.size, 'a table was not summed');
	return sums;
}

/* Asserts two states equal table by table, naming each table that differs. */
export function assertSameTables(got, want, what) {
	const differ = [...new Set([...want.keys(), ...got.keys()])].filter((t) => got.get(t) !== want.get(t))
	    .map((t) => `${t}: ${want.get(t) ?? 'absent'} then, ${got.get(t) ?? 'absent'} now`);
	assert.deepEqual(differ, [], `${what}:\n${differ.join('\n')}`);
}

/*
 * The rows of every table (or of those named in columns, only those columns), each as the md5
 * of its text: Map 'schema.table' → [md5, …] sorted. For a state whose rows must all still be
 * there later, beside others that may have come (assertKept).
 */
export async function tableRows(sql, columns = null) {
	const tables = columns ?? await tableColumns(sql);
	const parts = [...tables].map(([t, cols]) => `SELECT ${lit(t)}, md5(ROW(${cols.join(',')})::text) FROM ${t}`);
	const rows = new Map([...tables.keys()].map((t) => [t, []]));
	for (const l of (await sql(`${parts.join(' UNION ALL ')}`)).split('\n').filter(Boolean)) {
		const [t, h] = l.split('|');
		rows.get(t).push(h);
	}
	for (const list of rows.values())
		list.sort();
	return rows;
}

/* Asserts every row of then is in now (as many times), naming each table that lost some. */
export function assertKept(now, then, what) {
	const lost = [];
	for (const [t, old] of then) {
		const left = new Map();
		for (const h of now.get(t) ?? [])
			left.set(h, (left.get(h) ?? 0) + 1);
		const gone = old.filter((h) => {
			const n = left.get(h) ?? 0;
			left.set(h, n - 1);
			return n <= 0;
		});
		if (gone.length > 0)
			lost.push(`${t}: ${gone.length} of its ${old.length} rows gone or changed`);
	}
	assert.deepEqual(lost, [], `${what}:\n${lost.join('\n')}`);
}

/* The last value of every sequence (name → number; 0 before its first use). */
export async function sequenceValues(sql) {
	const out = await sql(`SELECT format('%I.%I', schemaname, sequencename) || '|' || coalesce(last_value, 0)
	    FROM pg_sequences ORDER BY 1`);
	return new Map(out.split('\n').filter(Boolean).map((l) => {
		const [s, v] = l.split('|');
		return [s, Number(v)];
	}));
}

function lit(s) {
	return `'${String(s).replace(/'/g, "''")}'`;
}

/*
 * A second host: a network namespace with one end of a veth pair, the other end on this
 * machine. This machine is `inside` (198.51.100.x, a documentation range, on no real network);
 * the namespace is `outside`. Requests made with outside.curl() come from another address
 * than this machine's loopback, as from anyone on the network. Unique per port, so that two
 * test stacks do not share one.
 */
export async function outsideHost(port) {
	const k = port % 60, ns = `zcps-out-${port}`, host = `zo${port}h`, peer = `zo${port}n`;
	const inside = `198.51.100.${4 * k + 1}`, outside = `198.51.100.${4 * k + 2}`;
	const ip = (...a) => execFileP('ip', a);
	const inNs = (...a) => execFileP('ip', ['netns', 'exec', ns, ...a], { maxBuffer: 4 << 20 });
	const down = async () => {
		await ip('netns', 'del', ns).catch(() => {});
		await ip('link', 'del', host).catch(() => {});
	};
	await down();
	try {
		await ip('netns', 'add', ns);
		await ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer);
		await ip('link', 'set', peer, 'netns', ns);
		await ip('addr', 'add', `${inside}/30`, 'dev', host);
		await ip('link', 'set', host, 'up');
		await inNs('ip', 'addr', 'add', `${outside}/30`, 'dev', peer);
		await inNs('ip', 'link', 'set', peer, 'up');
		await inNs('ip', 'link', 'set', 'lo', 'up');
	} catch (e) {
		await down();
		throw new Error(`could not make a second host in a network namespace (ip netns, veth; needs root `
		    + `and CAP_NET_ADMIN): ${e.message}`);
	}
	return {
		inside,
		outside,
		/* GET url from the namespace: { status, body } (status 0: no connection). */
		async curl(url) {
			const { stdout } = await inNs('curl', '-s', '-m', '10', '-o', '-', '-w', '\n%{http_code}', url)
			    .catch((e) => ({ stdout: e.stdout ?? '\n0' }));
			const i = stdout.lastIndexOf('\n');
			return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
		},
		down,
	};
}
