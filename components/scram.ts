/**
 * SCRAM-SHA-256 password verifiers in the form PostgreSQL stores them (RFC 5802, RFC 7677).
 *
 * Sending a verifier instead of the plaintext means the server, its statement log and anyone
 * reading `pg_authid` never see the password itself; PostgreSQL accepts a pre-computed verifier
 * in `ALTER ROLE ... PASSWORD` and stores it unchanged.
 * See https://www.postgresql.org/docs/15/catalog-pg-authid.html for the stored format.
 */
import * as crypto from "crypto";
import { InvalidArgumentError } from "./validation";

/** PostgreSQL's default iteration count (`scram_iterations` before version 16). */
export const SCRAM_ITERATIONS = 4096;

/** The salt length PostgreSQL itself uses, in bytes. */
export const SCRAM_SALT_BYTES = 16;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Computes `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64 parts).
 *
 * Note: PostgreSQL normalises passwords with SASLprep before hashing. For printable ASCII
 * SASLprep changes nothing, so only such passwords are accepted here; generated passwords are
 * always printable ASCII.
 */
export function scramSha256Verifier(
    password: string,
    salt: Buffer,
    iterations: number = SCRAM_ITERATIONS,
): string {
    if (typeof password !== "string" || !PRINTABLE_ASCII.test(password)) {
        throw new InvalidArgumentError(
            "password",
            "(hidden)",
            "a non-empty string of printable ASCII characters without spaces",
        );
    }
    if (!Buffer.isBuffer(salt) || salt.length < 8) {
        throw new InvalidArgumentError("salt", salt?.length, "at least 8 bytes of salt");
    }
    if (!Number.isInteger(iterations) || iterations < 4096) {
        throw new InvalidArgumentError("iterations", iterations, "an integer of at least 4096");
    }
    const salted = crypto.pbkdf2Sync(password, salt, iterations, 32, "sha256");
    const clientKey = crypto.createHmac("sha256", salted).update("Client Key").digest();
    const storedKey = crypto.createHash("sha256").update(clientKey).digest();
    const serverKey = crypto.createHmac("sha256", salted).update("Server Key").digest();
    const b64 = (b: Buffer) => b.toString("base64");
    return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/** Whether a string has the shape of a SCRAM-SHA-256 verifier. */
export function isScramVerifier(value: string): boolean {
    return /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/.test(
        value,
    );
}
