/** The report as one screen for a terminal (cli-table3): one block per stage in data-flow order. */
import Table from "cli-table3";
import { driftRows } from "./drift";
import { renderBackup } from "./backup";
import type { StageReport, StatusReport, TaskObs } from "./types";

type Row = [string, string];

const age = (s: unknown): string => (s === null || s === undefined ? "—" : `${s} s ago`);
const n = (v: unknown): string => (v === null || v === undefined ? "—" : Number(v).toLocaleString("en-US"));

function connectorRows(c: Record<string, unknown>): Row[] {
    const rows: Row[] = [];
    if (c.error) rows.push([`connector ${c.name}`, "unreadable (see problem)"]);
    else {
        rows.push([`connector ${c.name}`, `${c.state} on ${c.workerId}${c.trace ? `\n${c.trace}` : ""}`]);
        for (const t of c.tasks as TaskObs[])
            rows.push([`  task ${t.id}`, `${t.state} on ${t.workerId}${t.trace ? `\n${t.trace}` : ""}`]);
    }
    return rows;
}

/** A stage's details: their shape differs per stage, so they are read untyped here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Details = Record<string, any>;

function stageRows(s: StageReport): Row[] {
    const d = s.details as Details;
    const rows: Row[] = [];
    switch (s.stage) {
        case "source":
            rows.push(...connectorRows(d.connector));
            for (const t of d.topics) {
                rows.push([
                    `topic ${t.topic}`,
                    t.missing
                        ? "does not exist"
                        : t.error
                          ? "unreadable (see problem)"
                          : `${n(t.records)} records in ${t.partitions} partition(s), newest ${age(t.ageSeconds)}`,
                ]);
            }
            break;
        case "sink":
            rows.push(...connectorRows(d.connector));
            rows.push([
                `group ${d.group}`,
                d.kafkaError
                    ? "unreadable (see problem)"
                    : `lag ${n(d.totalLag)} records on ${d.topics.join(", ") || "no topic"}`,
            ]);
            for (const l of d.lag)
                rows.push([
                    `  ${l.topic}[${l.partition}]`,
                    `committed ${l.committed ?? "nothing"} of ${l.endOffset}: lag ${n(l.lag)}`,
                ]);
            if (d.deadLetter)
                rows.push([
                    `dead letters ${d.deadLetter.topic}`,
                    d.deadLetter.error ? "unreadable (see problem)" : `${n(d.deadLetter.depth)} records`,
                ]);
            break;
        case "bronze":
        case "silver":
            for (const t of d.tables) {
                const event =
                    t.newestEventMs === null || t.newestEventMs === undefined
                        ? ""
                        : `, newest event ${age(t.eventAgeSeconds)}`;
                rows.push([
                    t.table,
                    t.missing
                        ? "does not exist"
                        : `${n(t.rows)} rows, newest arrival ${age(t.ingestedAgeSeconds)}${event}`,
                ]);
            }
            if (s.stage === "silver" && d.tables.length > 0)
                rows.push(["bronze_rejects", d.rejects === null ? "—" : `${n(d.rejects)} rows`]);
            break;
        case "gold":
            for (const t of d.tables) {
                const r = (d.refreshes as Details[]).find((x) => x.view === `${t.table}__refresh`);
                const refresh = r
                    ? `, refresh ${r.status}, last success ${age(r.ageSeconds)}${r.exception ? `\n${String(r.exception).split("\n")[0]}` : ""}`
                    : ", no refresh view";
                rows.push([t.table, t.missing ? "does not exist" : `${n(t.rows)} rows${refresh}`]);
            }
            break;
        case "drift":
            rows.push(...driftRows(d));
            break;
    }
    return rows;
}

const MARK: Record<string, string> = { ok: "ok", lagging: "LAGGING", failed: "FAILED" };

/** The report as a table; `width` is the terminal's (default 120). */
export function renderTable(r: StatusReport, width = 120): string {
    const blocks = r.stages.map((s) => ({ s, rows: [...stageRows(s), ...s.problems.map((p): Row => ["problem", p])] }));
    // The "what" column fits the longest name (within reason), the state column takes the rest.
    const whatWidth = Math.min(48, Math.max(12, ...blocks.flatMap((b) => b.rows.map(([what]) => what.length + 2))));
    const detailWidth = Math.max(30, width - 10 - 9 - whatWidth - 5);
    const table = new Table({
        head: ["stage", "verdict", "what", "state"],
        colWidths: [10, 9, whatWidth, detailWidth],
        wordWrap: true,
        wrapOnWordBoundary: true,
        style: { head: [], border: [], compact: true },
    });
    // Tabs (in Java traces) would break the column arithmetic.
    const clean = (x: string) => x.replace(/\t/g, "  ");
    for (const { s, rows } of blocks) {
        rows.forEach(([what, state], i) =>
            table.push([i === 0 ? s.stage : "", i === 0 ? MARK[s.verdict] : "", clean(what), clean(state)]),
        );
        if (rows.length === 0) table.push([s.stage, MARK[s.verdict], "", ""]);
    }
    const backup = r.backup ? renderBackup(r.backup) : "";
    return `${table.toString()}\n${backup}pipeline: ${MARK[r.verdict]} (exit ${r.exitCode}) at ${r.checkedAt}\n`;
}
