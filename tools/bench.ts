/**
 * Measures the offline plan: wall time per run and memory, for each stack given (default: every
 * stack with a config file). Prints figures; it never fails on a timing.
 *
 *   npm run bench -- [--runs N] [STACK...]
 */
import { performance } from "perf_hooks";
import { plan } from "./plan";
import { listStacks } from "./stack-config";

function mib(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(argv: string[]): Promise<void> {
    let runs = 3;
    const stacks: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--runs") runs = Math.max(1, Number(argv[++i]) || 1);
        else stacks.push(argv[i]);
    }
    const targets = stacks.length > 0 ? stacks : listStacks();
    console.log(`offline plan benchmark: ${runs} runs per stack, node ${process.version}`);
    console.log(
        "stack                         resources  first (ms)  median (ms)  heap used   rss",
    );
    let peakRss = 0;
    for (const stack of targets) {
        const times: number[] = [];
        let resources = 0;
        for (let i = 0; i < runs; i++) {
            const start = performance.now();
            const result = await plan(stack);
            times.push(performance.now() - start);
            resources = result.resources.length;
            peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }
        const sorted = [...times].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)];
        const memory = process.memoryUsage();
        console.log(
            `${stack.padEnd(30)}${String(resources).padStart(9)}  ${times[0].toFixed(0).padStart(10)}  ` +
                `${median.toFixed(0).padStart(11)}  ${mib(memory.heapUsed).padStart(9)}  ${mib(memory.rss).padStart(9)}`,
        );
    }
    console.log(`peak rss: ${mib(peakRss)}`);
}

main(process.argv.slice(2)).catch((error) => {
    console.error(`bench: ${(error as Error).message}`);
    process.exit(2);
});
