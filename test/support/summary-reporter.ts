/**
 * Mocha's spec reporter, closed by one plain line that any CI can read:
 * `N passed, N failed` (and `, N skipped` when some were).
 */
import * as Mocha from "mocha";

class SummaryReporter extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const { passes, failures, pending } = runner.stats ?? {
                passes: 0,
                failures: 0,
                pending: 0,
            };
            const skipped = pending > 0 ? `, ${pending} skipped` : "";
            process.stdout.write(`${passes} passed, ${failures} failed${skipped}\n`);
        });
    }
}

export = SummaryReporter;
