/**
 * A throwaway PostgreSQL server for tests: its own data directory, a free TCP port on 127.0.0.1
 * with scram-sha-256 authentication, a private socket directory, stopped and removed afterwards.
 *
 * PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
 * unprivileged `postgres` user. When no server binaries exist the harness throws: a test that
 * needs PostgreSQL must fail, not pass without having run.
 */
import { execFileSync, spawnSync, SpawnSyncReturns } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Client, ClientConfig } from "pg";

/** The OS user that runs the server when the tests run as root. */
const SERVER_OS_USER = "postgres";

/** Directories that may hold `initdb`, `pg_ctl` and `postgres`, in order of preference. */
function candidateBinDirs(): string[] {
    const dirs: string[] = [];
    try {
        dirs.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim());
    } catch {
        // pg_config is optional; the versioned directories below are searched as well.
    }
    const root = "/usr/lib/postgresql";
    if (fs.existsSync(root)) {
        const versions = fs
            .readdirSync(root)
            .filter((v) => /^\d+$/.test(v))
            .sort((a, b) => Number(b) - Number(a));
        dirs.push(...versions.map((v) => path.join(root, v, "bin")));
    }
    return dirs;
}

/** Finds a directory with `initdb`, `pg_ctl` and `psql`, or throws saying what to install. */
export function findPostgresBinaries(): string {
    const dir = candidateBinDirs().find((d) =>
        ["initdb", "pg_ctl", "postgres", "psql"].every((b) => fs.existsSync(path.join(d, b))),
    );
    if (!dir) {
        throw new Error(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) were not found in " +
                "`pg_config --bindir` or /usr/lib/postgresql/*/bin; install PostgreSQL 15 " +
                "(for example the postgresql-15 package) to run these tests",
        );
    }
    return dir;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a server-side command as the server's OS user. */
function runAsServerUser(bin: string, args: string[]): SpawnSyncReturns<string> {
    const [cmd, cmdArgs] = isRoot()
        ? ["runuser", ["-u", SERVER_OS_USER, "--", bin, ...args]]
        : [bin, args];
    const result = spawnSync(cmd, cmdArgs, { encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(
            `${path.basename(bin)} failed (${result.status}): ${result.stderr}${result.stdout}`,
        );
    }
    return result;
}

export interface PostgresServer {
    host: string;
    port: number;
    /** The superuser, for setting up roles and reading catalogs in the tests. */
    superuser: { user: string; password: string };
    binDir: string;
    /** A connected client; the caller ends it. */
    connect(config: Partial<ClientConfig>): Promise<Client>;
    /** Runs `psql` with the given arguments and environment; never throws, returns the result. */
    psql(args: string[], env: Record<string, string>): SpawnSyncReturns<string>;
    stop(): void;
}

/** Initialises and starts a server; call `stop()` in an `after` hook. */
export async function startPostgres(): Promise<PostgresServer> {
    const binDir = findPostgresBinaries();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pg-test-"));
    const dataDir = path.join(root, "data");
    const socketDir = path.join(root, "socket");
    const passwordFile = path.join(root, "superuser-password");
    const password = crypto.randomBytes(24).toString("hex");
    fs.mkdirSync(socketDir, { mode: 0o700 });
    fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (isRoot()) {
        execFileSync("chown", ["-R", `${SERVER_OS_USER}:`, root]);
        fs.chmodSync(root, 0o711);
    }

    let started = false;
    const stop = () => {
        if (started) {
            spawnSync(isRoot() ? "runuser" : path.join(binDir, "pg_ctl"), [
                ...(isRoot() ? ["-u", SERVER_OS_USER, "--", path.join(binDir, "pg_ctl")] : []),
                "-D",
                dataDir,
                "-m",
                "immediate",
                "stop",
            ]);
            started = false;
        }
        fs.rmSync(root, { recursive: true, force: true });
    };

    try {
        runAsServerUser(path.join(binDir, "initdb"), [
            "-D",
            dataDir,
            "-U",
            "postgres",
            `--pwfile=${passwordFile}`,
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
        ]);
        const port = await freePort();
        const options = [
            `-p ${port}`,
            `-k ${socketDir}`,
            "-c listen_addresses=127.0.0.1",
            "-c password_encryption=scram-sha-256",
            "-c fsync=off",
        ].join(" ");
        runAsServerUser(path.join(binDir, "pg_ctl"), [
            "-D",
            dataDir,
            "-o",
            options,
            "-l",
            path.join(root, "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        ]);
        started = true;

        const host = "127.0.0.1";
        return {
            host,
            port,
            binDir,
            superuser: { user: "postgres", password },
            connect: async (config) => {
                const client = new Client({ host, port, database: "postgres", ...config });
                await client.connect();
                return client;
            },
            psql: (args, env) =>
                spawnSync(path.join(binDir, "psql"), ["-X", "-v", "ON_ERROR_STOP=1", ...args], {
                    encoding: "utf8",
                    // Only what the Job sets: no inherited PG* variables leak into the test.
                    env: {
                        PATH: process.env.PATH ?? "",
                        PGHOST: host,
                        PGPORT: String(port),
                        ...env,
                    },
                }),
            stop,
        };
    } catch (err) {
        stop();
        throw err;
    }
}
