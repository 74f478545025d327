import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { progressBar } from "../../seed/progress";

function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { stream: { isTTY, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream, writes };
}

describe("progressBar", () => {
    it("draws nothing when stderr is not a terminal (pipes, CI logs)", () => {
        const { stream, writes } = fakeStream(false);
        const bar = progressBar(100, stream);
        bar.update(50, "customers");
        bar.done();
        assert.deepEqual(writes, []);
    });

    it("redraws one line in place on a terminal and ends it with a newline", () => {
        const { stream, writes } = fakeStream(true);
        const bar = progressBar(200, stream, 10);
        bar.update(200, "orders");
        bar.done();
        assert.ok(writes.length >= 2);
        // eslint-disable-next-line no-control-regex -- \x1b[K is the erase-line escape the progress line ends with
        assert.match(writes[0], /^\r\[#{10}\] 100% 200\/200 orders \d+ docs\/s\x1b\[K$/);
        assert.equal(writes.at(-1), "\n");
    });
});
