import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { scramSha256Verifier } from "../components/scram";
import {
    buildTenantSql,
    postgresIdentifiers,
    PostgresIdentifiers,
    TENANT_SQL_ENV,
    tenantSqlEnvironment,
} from "../components/tenant-sql";
import { InvalidArgumentError } from "../components/validation";
import { PostgresServer, startPostgres } from "./support/postgres";

describe("tenant SQL text", () => {
    it("derives tenant_<name> with '-' as '_' for the role and the database", () => {
        assert.deepStrictEqual(postgresIdentifiers("acme-analytics"), {
            role: "tenant_acme_analytics",
            database: "tenant_acme_analytics",
        });
    });

    it("refuses a name whose identifier exceeds 63 bytes, naming the field", () => {
        assert.doesNotThrow(() => postgresIdentifiers("a".repeat(56)));
        assert.throws(
            () => postgresIdentifiers("a".repeat(57)),
            (err: InvalidArgumentError) => err.field === "name" && /63 bytes/.test(err.message),
        );
    });

    it("carries no name or password: psql reads them from the environment", () => {
        const sql = buildTenantSql(20);
        assert.ok(!sql.includes("tenant_acme"));
        for (const env of Object.values(TENANT_SQL_ENV)) {
            assert.ok(sql.includes(`\\getenv`) && sql.includes(env), env);
        }
        assert.match(sql, /^\\set ON_ERROR_STOP on$/m);
        assert.match(sql, /CONNECTION LIMIT 20;/);
        assert.match(sql, /NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS/);
        assert.match(sql, /REVOKE ALL ON DATABASE :"tenant_database" FROM PUBLIC;/);
        assert.match(sql, /REVOKE CREATE ON SCHEMA public FROM PUBLIC;/);
    });

    it("refuses a connection limit that is not a positive integer", () => {
        for (const bad of [0, -1, 1.5, Number.NaN, 1001]) {
            assert.throws(() => buildTenantSql(bad), /resources\.databaseConnections/);
        }
    });
});

/** A tenant as the Job would provision it: identifiers, a password and its verifier. */
interface ProvisionedTenant extends PostgresIdentifiers {
    password: string;
    verifier: string;
}

function tenant(name: string): ProvisionedTenant {
    const password = crypto.randomBytes(30).toString("base64url");
    const verifier = scramSha256Verifier(password, crypto.randomBytes(16));
    return { ...postgresIdentifiers(name), password, verifier };
}

describe("tenant SQL against a real PostgreSQL server", function () {
    this.timeout(180000);
    const admin = { user: "platform_admin", password: crypto.randomBytes(18).toString("hex") };
    const a = tenant("alpha");
    const b = tenant("bravo");
    let server: PostgresServer;
    let superuser: Client;
    let scriptDir: string;
    let scriptPath: string;

    /** Runs the script exactly as the Job does: psql, ON_ERROR_STOP, env only, as the admin. */
    const runScript = (t: ProvisionedTenant, extraEnv: Record<string, string> = {}) =>
        server.psql(["-v", "ON_ERROR_STOP=1", "-f", scriptPath], {
            PGUSER: admin.user,
            PGPASSWORD: admin.password,
            PGDATABASE: "postgres",
            ...tenantSqlEnvironment(t),
            [TENANT_SQL_ENV.verifier]: t.verifier,
            ...extraEnv,
        });

    const provision = (t: ProvisionedTenant) => {
        const result = runScript(t);
        assert.strictEqual(result.status, 0, `psql failed: ${result.stderr}`);
        return result;
    };

    const connectAs = (t: ProvisionedTenant, database: string) =>
        server.connect({ user: t.role, password: t.password, database });

    /** Everything the script may touch, as the catalogs record it. */
    const catalogState = async () => {
        const roles = await superuser.query(
            `SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
                    rolreplication, rolbypassrls, rolconnlimit, rolpassword
               FROM pg_authid WHERE rolname NOT LIKE 'pg\\_%' ORDER BY rolname`,
        );
        const members = await superuser.query(
            `SELECT r.rolname AS role, m.rolname AS member, am.admin_option
               FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid
               JOIN pg_roles m ON m.oid = am.member ORDER BY 1, 2`,
        );
        const databases = await superuser.query(
            `SELECT datname, pg_get_userbyid(datdba) AS owner, datacl::text
               FROM pg_database ORDER BY datname`,
        );
        const schemas: unknown[] = [];
        for (const t of [a, b]) {
            const client = await server.connect({ ...superuser_(), database: t.database });
            try {
                const rows = await client.query(
                    "SELECT nspname, pg_get_userbyid(nspowner) AS owner, nspacl::text FROM pg_namespace ORDER BY 1",
                );
                schemas.push(rows.rows);
            } finally {
                await client.end();
            }
        }
        return { roles: roles.rows, members: members.rows, databases: databases.rows, schemas };
    };
    const superuser_ = () => ({ user: server.superuser.user, password: server.superuser.password });

    before(async () => {
        server = await startPostgres();
        superuser = await server.connect(superuser_());
        // Cloud SQL's administrator is not a superuser: it has CREATEROLE and CREATEDB and is a
        // member of cloudsqlsuperuser, which owns databases made through the Cloud SQL API.
        await superuser.query("CREATE ROLE cloudsqlsuperuser NOLOGIN CREATEROLE CREATEDB");
        await superuser.query(
            `CREATE ROLE ${admin.user} LOGIN CREATEROLE CREATEDB PASSWORD '${admin.password}' IN ROLE cloudsqlsuperuser`,
        );
        // Tenant A's database exists already, as the component's gcp.sql.Database makes it;
        // tenant B's is created by the script.
        await superuser.query(`CREATE DATABASE ${a.database} OWNER cloudsqlsuperuser`);
        scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-sql-"));
        scriptPath = path.join(scriptDir, "tenant.sql");
        fs.writeFileSync(scriptPath, buildTenantSql(7));
        provision(a);
        provision(b);
    });

    after(async () => {
        await superuser?.end();
        server?.stop();
        if (scriptDir) fs.rmSync(scriptDir, { recursive: true, force: true });
    });

    it("runs as an administrator that is not a superuser", async () => {
        const rows = await superuser.query(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1",
            [admin.user],
        );
        assert.deepStrictEqual(rows.rows[0], {
            rolsuper: false,
            rolcreaterole: true,
            rolcreatedb: true,
        });
    });

    it("creates a login role with no elevated privilege and a connection limit", async () => {
        const rows = await superuser.query(
            `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolinherit,
                    rolcanlogin, rolconnlimit, rolpassword FROM pg_authid WHERE rolname = $1`,
            [a.role],
        );
        assert.deepStrictEqual(rows.rows[0], {
            rolsuper: false,
            rolcreaterole: false,
            rolcreatedb: false,
            rolreplication: false,
            rolbypassrls: false,
            rolinherit: true,
            rolcanlogin: true,
            rolconnlimit: 7,
            rolpassword: a.verifier,
        });
    });

    it("gives the database to the tenant role and revokes PUBLIC's access", async () => {
        const rows = await superuser.query(
            `SELECT pg_get_userbyid(datdba) AS owner,
                    has_database_privilege('public', datname, 'CONNECT') AS public_connect,
                    has_database_privilege($2, datname, 'CONNECT') AS other_connect
               FROM pg_database WHERE datname = $1`,
            [a.database, b.role],
        );
        assert.deepStrictEqual(rows.rows[0], {
            owner: a.role,
            public_connect: false,
            other_connect: false,
        });
    });

    it("lets the tenant create tables in its own database", async () => {
        const client = await connectAs(a, a.database);
        try {
            await client.query("CREATE TABLE dag_run_probe (id serial PRIMARY KEY, note text)");
            await client.query("INSERT INTO dag_run_probe (note) VALUES ('mine')");
            const rows = await client.query("SELECT count(*)::int AS n FROM dag_run_probe");
            assert.strictEqual(rows.rows[0].n, 1);
        } finally {
            await client.end();
        }
    });

    it("refuses tenant A a connection to tenant B's database", async () => {
        await assert.rejects(connectAs(a, b.database), /permission denied for database/);
        await assert.rejects(connectAs(b, a.database), /permission denied for database/);
    });

    it("refuses tenant A changing or dropping tenant B's role", async () => {
        const client = await connectAs(a, a.database);
        try {
            await assert.rejects(
                client.query(`ALTER ROLE ${b.role} PASSWORD 'taken-over'`),
                /permission denied|must have CREATEROLE/,
            );
            await assert.rejects(client.query(`DROP ROLE ${b.role}`), /permission denied/);
            await assert.rejects(
                client.query(`GRANT ${b.role} TO ${a.role}`),
                /permission denied|must have admin option/,
            );
        } finally {
            await client.end();
        }
        const stillB = await connectAs(b, b.database);
        await stillB.end();
    });

    it("refuses tenant A creating roles or databases or becoming superuser", async () => {
        const client = await connectAs(a, a.database);
        try {
            await assert.rejects(client.query("CREATE ROLE intruder"), /permission denied/);
            await assert.rejects(client.query("CREATE DATABASE intruder"), /permission denied/);
            await assert.rejects(
                client.query(`ALTER ROLE ${a.role} SUPERUSER`),
                /permission denied|must be superuser/,
            );
        } finally {
            await client.end();
        }
    });

    it("keeps other logins out of the public schema of a tenant database", async () => {
        const rows = await superuser.query(
            "SELECT has_database_privilege('public', $1, 'CREATE') AS db_create",
            [a.database],
        );
        assert.strictEqual(rows.rows[0].db_create, false);
        const inA = await server.connect({ ...superuser_(), database: a.database });
        try {
            const acl = await inA.query(
                "SELECT has_schema_privilege('public', 'public', 'CREATE') AS public_create",
            );
            assert.strictEqual(acl.rows[0].public_create, false);
        } finally {
            await inA.end();
        }
    });

    it("changes nothing when it runs a second time", async () => {
        const before = await catalogState();
        provision(a);
        provision(b);
        const after = await catalogState();
        assert.deepStrictEqual(after, before);
    });

    it("treats a hostile tenant name as data, not SQL", async () => {
        // The builder is used directly, bypassing the Tenant's name validation.
        const hostile = tenant(`x"; DROP ROLE ${b.role}; --'\\ = host=evil`);
        provision(hostile);
        const roles = await superuser.query(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY($1)",
            [[hostile.role, b.role]],
        );
        assert.deepStrictEqual(
            roles.rows.map((r) => r.rolname).sort(),
            [hostile.role, b.role].sort(),
        );
        const db = await superuser.query(
            "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1",
            [hostile.database],
        );
        assert.strictEqual(db.rows[0]?.owner, hostile.role);
        const client = await connectAs(hostile, hostile.database);
        await client.end();
    });

    it("fails, naming the variable, when the verifier is missing", () => {
        const result = server.psql(["-v", "ON_ERROR_STOP=1", "-f", scriptPath], {
            PGUSER: admin.user,
            PGPASSWORD: admin.password,
            PGDATABASE: "postgres",
            ...tenantSqlEnvironment(tenant("charlie")),
        });
        assert.notStrictEqual(result.status, 0);
        assert.match(result.stderr, /TENANT_PASSWORD_VERIFIER is not set/);
    });

    it("prints neither the verifier nor the password", () => {
        const result = runScript(a);
        assert.strictEqual(result.status, 0, result.stderr);
        const printed = result.stdout + result.stderr;
        assert.ok(!printed.includes(a.verifier.split("$")[2]));
        assert.ok(!printed.includes(a.password));
    });
});
