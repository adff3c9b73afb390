import * as assert from "assert";
import * as crypto from "crypto";
import { isScramVerifier, SCRAM_ITERATIONS, scramSha256Verifier } from "../components/scram";
import { InvalidArgumentError } from "../components/validation";
import { PostgresServer, startPostgres } from "./support/postgres";

describe("scramSha256Verifier", () => {
    it("matches the RFC 7677 test vector's keys", () => {
        // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 rounds.
        const salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
        const verifier = scramSha256Verifier("pencil", salt, 4096);
        const [, iterSalt, keys] = verifier.split("$");
        assert.strictEqual(iterSalt, "4096:W22ZaJ0SNY7soEsUEjb6gQ==");
        const [storedKey, serverKey] = keys.split(":");
        // The RFC's server signature is HMAC(ServerKey, AuthMessage); checking it proves ServerKey.
        const authMessage =
            "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," +
            "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        const serverSignature = crypto
            .createHmac("sha256", Buffer.from(serverKey, "base64"))
            .update(authMessage)
            .digest("base64");
        assert.strictEqual(serverSignature, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assert.strictEqual(Buffer.from(storedKey, "base64").length, 32);
    });

    it("has PostgreSQL's stored shape and default iteration count", () => {
        const verifier = scramSha256Verifier("correct-horse", crypto.randomBytes(16));
        assert.ok(isScramVerifier(verifier), verifier);
        assert.ok(verifier.startsWith(`SCRAM-SHA-256$${SCRAM_ITERATIONS}:`));
    });

    it("is stable for a stable salt and differs for another salt", () => {
        const salt = crypto.randomBytes(16);
        assert.strictEqual(scramSha256Verifier("pw-1", salt), scramSha256Verifier("pw-1", salt));
        assert.notStrictEqual(
            scramSha256Verifier("pw-1", salt),
            scramSha256Verifier("pw-1", crypto.randomBytes(16)),
        );
    });

    it("refuses passwords SASLprep might change, short salts and low iteration counts", () => {
        const salt = crypto.randomBytes(16);
        assert.throws(() => scramSha256Verifier("", salt), InvalidArgumentError);
        assert.throws(() => scramSha256Verifier("pässword", salt), /password/);
        assert.throws(() => scramSha256Verifier("with space", salt), /password/);
        assert.throws(() => scramSha256Verifier("pw", Buffer.alloc(4)), /salt/);
        assert.throws(() => scramSha256Verifier("pw", salt, 1000), /iterations/);
    });

    it("never puts the password in its error message", () => {
        assert.throws(
            () => scramSha256Verifier("secret value", crypto.randomBytes(16)),
            (err: Error) => !err.message.includes("secret value"),
        );
    });
});

describe("scramSha256Verifier against a real PostgreSQL server", function () {
    this.timeout(120000);
    let server: PostgresServer;

    before(async () => {
        server = await startPostgres();
    });
    after(() => server?.stop());

    it("sets a role's password that then authenticates over SCRAM", async () => {
        const password = crypto.randomBytes(24).toString("base64url");
        const verifier = scramSha256Verifier(password, crypto.randomBytes(16));
        const admin = await server.connect(server.superuser);
        try {
            await admin.query("CREATE ROLE scram_probe LOGIN");
            // A verifier holds only base64 characters, '$' and ':', so it is safe as a literal.
            await admin.query(`ALTER ROLE scram_probe PASSWORD '${verifier}'`);
            const stored = await admin.query(
                "SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'",
            );
            assert.strictEqual(stored.rows[0].rolpassword, verifier);
        } finally {
            await admin.end();
        }

        const client = await server.connect({ user: "scram_probe", password });
        try {
            const result = await client.query("SELECT current_user AS who");
            assert.strictEqual(result.rows[0].who, "scram_probe");
        } finally {
            await client.end();
        }
        await assert.rejects(
            server.connect({ user: "scram_probe", password: `${password}x` }),
            /password authentication failed/,
        );
    });
});
