/**
 * The SQL that gives a tenant its own PostgreSQL role and database on the platform's Cloud SQL
 * instance. Pure text: the tenant provisioning Job runs it with
 * `psql -X -v ON_ERROR_STOP=1 -f tenant.sql`, connected as the platform's administrative user.
 *
 * Names and the password verifier never appear in the script text: psql reads them from the
 * environment (`\getenv`) and quotes them itself (`:"name"` as an identifier, `:'name'` as a
 * literal, `format('%I')` inside `\gexec`). A hostile value therefore stays a value; and the
 * password never reaches a command line, a ConfigMap or the script.
 *
 * Why SQL rather than the Cloud SQL users API: users made through the API join
 * `cloudsqlsuperuser`, which holds CREATEROLE, and on PostgreSQL 15 a CREATEROLE role can alter
 * every non-superuser role, including other tenants'. See
 * https://cloud.google.com/sql/docs/postgres/users#default-users.
 */
import { InvalidArgumentError, requireIntegerInRange } from "./validation";

/** PostgreSQL truncates identifiers beyond this many bytes (NAMEDATALEN - 1). */
export const POSTGRES_IDENTIFIER_MAX_BYTES = 63;

/** The environment variables the script reads; the Job sets exactly these. */
export const TENANT_SQL_ENV = {
    role: "TENANT_ROLE",
    database: "TENANT_DATABASE",
    verifier: "TENANT_PASSWORD_VERIFIER",
} as const;

/** The tenant's role and database names, both derived from the tenant name. */
export interface PostgresIdentifiers {
    role: string;
    database: string;
}

/**
 * `tenant_<name with '-' as '_'>` for both the role and the database. Only the length is checked
 * here; the tenant name's character set is checked by the Tenant's argument validation, and the
 * SQL quotes whatever it is given.
 */
export function postgresIdentifiers(tenantName: string): PostgresIdentifiers {
    const identifier = `tenant_${tenantName.replace(/-/g, "_")}`;
    if (Buffer.byteLength(identifier, "utf8") > POSTGRES_IDENTIFIER_MAX_BYTES) {
        throw new InvalidArgumentError(
            "name",
            tenantName,
            `a name whose Postgres identifier "${identifier}" is at most ${POSTGRES_IDENTIFIER_MAX_BYTES} bytes`,
        );
    }
    return { role: identifier, database: identifier };
}

/** The environment the script needs, apart from the verifier (which comes from a Secret). */
export function tenantSqlEnvironment(ids: PostgresIdentifiers): Record<string, string> {
    return { [TENANT_SQL_ENV.role]: ids.role, [TENANT_SQL_ENV.database]: ids.database };
}

/** psql lines that stop the script when an environment variable is missing or empty. */
function requireVariable(variable: string, envName: string): string[] {
    return [
        `\\getenv ${variable} ${envName}`,
        `\\if :{?${variable}}`,
        `\\else`,
        `DO $$ BEGIN RAISE EXCEPTION '${envName} is not set'; END $$;`,
        `\\endif`,
        `SELECT length(:'${variable}') = 0 AS missing \\gset`,
        `\\if :missing`,
        `DO $$ BEGIN RAISE EXCEPTION '${envName} is empty'; END $$;`,
        `\\endif`,
    ];
}

/**
 * Builds the idempotent provisioning script. `connectionLimit` is the only value written into
 * the text, and it is checked to be an integer first.
 */
export function buildTenantSql(connectionLimit: number): string {
    requireIntegerInRange("resources.databaseConnections", connectionLimit, 1, 1000);
    return [
        "-- Tenant role and database. Idempotent: a second run changes nothing.",
        "\\set ON_ERROR_STOP on",
        "\\set QUIET on",
        ...requireVariable("tenant_role", TENANT_SQL_ENV.role),
        ...requireVariable("tenant_database", TENANT_SQL_ENV.database),
        ...requireVariable("tenant_verifier", TENANT_SQL_ENV.verifier),
        "",
        "-- The role is created with every privilege off; a CREATEROLE administrator may not grant",
        "-- SUPERUSER, REPLICATION or BYPASSRLS, so those are checked below rather than re-set.",
        "SELECT format('CREATE ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT NOLOGIN', :'tenant_role')",
        "  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'tenant_role') \\gexec",
        `ALTER ROLE :"tenant_role" WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT ${connectionLimit};`,
        "-- A pre-computed SCRAM verifier: the server stores it as is and never sees the password.",
        "ALTER ROLE :\"tenant_role\" PASSWORD :'tenant_verifier';",
        "SELECT (rolsuper OR rolreplication OR rolbypassrls OR rolcreaterole OR rolcreatedb) AS privileged",
        "  FROM pg_roles WHERE rolname = :'tenant_role' \\gset",
        "\\if :privileged",
        "DO $$ BEGIN RAISE EXCEPTION 'the tenant role holds a privilege it must not have'; END $$;",
        "\\endif",
        "",
        "-- PostgreSQL 15 lets a non-superuser give a database to a role only if it is a member.",
        "SELECT format('GRANT %I TO CURRENT_USER', :'tenant_role')",
        "  WHERE NOT pg_has_role(CURRENT_USER, :'tenant_role', 'MEMBER') \\gexec",
        "SELECT format('CREATE DATABASE %I OWNER %I', :'tenant_database', :'tenant_role')",
        "  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'tenant_database') \\gexec",
        'ALTER DATABASE :"tenant_database" OWNER TO :"tenant_role";',
        'REVOKE ALL ON DATABASE :"tenant_database" FROM PUBLIC;',
        'GRANT CONNECT, TEMPORARY ON DATABASE :"tenant_database" TO :"tenant_role";',
        "",
        "-- Inside the tenant database: nobody but its owner creates objects in the public schema.",
        "-- The connection string is built in SQL so that any character in the name stays data:",
        "-- libpq's quoting inside, then psql's identifier quoting around it, because \\connect",
        "-- strips double quotes from its database argument.",
        "SELECT '\"' || replace('dbname=''' || replace(replace(:'tenant_database', '\\', '\\\\'), '''', '\\''') || '''', '\"', '\"\"') || '\"'",
        "  AS tenant_conninfo \\gset",
        "\\connect -reuse-previous=on :tenant_conninfo",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        "",
    ].join("\n");
}
