/**
 * Pure checks shared by every component. Each one throws an {@link InvalidArgumentError} whose
 * message names the field, the value it was given and what is allowed, so that a bad stack
 * config fails before any resource is registered.
 */

/** An argument that a component refuses; `field` is the dotted path of the offending argument. */
export class InvalidArgumentError extends Error {
    constructor(
        public readonly field: string,
        public readonly value: unknown,
        public readonly allowed: string,
    ) {
        super(`${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
        this.name = "InvalidArgumentError";
    }

    // The mock engine loads the program's modules afresh for every run, so the class an error
    // was made with may not be this one: recognise it by shape.
    static [Symbol.hasInstance](value: unknown): boolean {
        return (
            value instanceof Error &&
            value.name === "InvalidArgumentError" &&
            "field" in value &&
            "allowed" in value
        );
    }
}

/** An IPv4 CIDR range reduced to integers, so containment and overlap are plain arithmetic. */
export interface Ipv4Range {
    readonly cidr: string;
    readonly first: number;
    readonly last: number;
    readonly prefixLength: number;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; the address must be the first of its range (no host bits set). */
export function parseCidr(field: string, cidr: string): Ipv4Range {
    const match = IPV4_CIDR.exec(cidr ?? "");
    const what = "an IPv4 CIDR range such as 10.0.0.0/20, with no host bits set";
    if (!match) {
        throw new InvalidArgumentError(field, cidr, what);
    }
    const octets = match.slice(1, 5).map(Number);
    const prefixLength = Number(match[5]);
    if (octets.some((o) => o > 255) || prefixLength > 32) {
        throw new InvalidArgumentError(field, cidr, what);
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefixLength);
    if (address % size !== 0) {
        throw new InvalidArgumentError(field, cidr, what);
    }
    return { cidr, first: address, last: address + size - 1, prefixLength };
}

/** The RFC 1918 ranges: the only ones this platform places its own addresses in. */
export const PRIVATE_RANGES: readonly Ipv4Range[] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
].map((c) => parseCidr("PRIVATE_RANGES", c));

/** Whether `inner` lies wholly within `outer`. */
export function contains(outer: Ipv4Range, inner: Ipv4Range): boolean {
    return inner.first >= outer.first && inner.last <= outer.last;
}

/** Whether two ranges share at least one address. */
export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/** Whether a range lies wholly within one RFC 1918 range. */
export function isPrivate(range: Ipv4Range): boolean {
    return PRIVATE_RANGES.some((p) => contains(p, range));
}

/** Parses a CIDR that must be private (RFC 1918) and no wider than `/minPrefix`. */
export function requirePrivateCidr(field: string, cidr: string, minPrefix = 8): Ipv4Range {
    const range = parseCidr(field, cidr);
    if (range.prefixLength === 0 || !isPrivate(range)) {
        throw new InvalidArgumentError(
            field,
            cidr,
            "a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        );
    }
    if (range.prefixLength < minPrefix) {
        throw new InvalidArgumentError(field, cidr, `a prefix length of /${minPrefix} or longer`);
    }
    return range;
}

/** Throws when any two of the named ranges overlap; the error names both fields. */
export function requireDisjoint(ranges: Record<string, Ipv4Range>): void {
    const entries = Object.entries(ranges);
    for (let i = 0; i < entries.length; i++) {
        for (let j = i + 1; j < entries.length; j++) {
            const [fieldA, a] = entries[i];
            const [fieldB, b] = entries[j];
            if (overlaps(a, b)) {
                throw new InvalidArgumentError(
                    fieldA,
                    a.cidr,
                    `a range that does not overlap ${fieldB} (${b.cidr})`,
                );
            }
        }
    }
}

/**
 * Checks a list of source ranges that may be admitted from outside (SSH to a public bastion):
 * at least one, each a valid CIDR, never 0.0.0.0/0 nor wider than /8.
 */
export function requireAuthorizedNetworks(field: string, cidrs: readonly string[]): Ipv4Range[] {
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
        throw new InvalidArgumentError(field, cidrs, "at least one CIDR range");
    }
    return cidrs.map((cidr, i) => {
        const range = parseCidr(`${field}[${i}]`, cidr);
        if (range.prefixLength < 8) {
            throw new InvalidArgumentError(
                `${field}[${i}]`,
                cidr,
                "a specific network (prefix /8 or longer); 0.0.0.0/0 and other wide ranges admit the internet",
            );
        }
        return range;
    });
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A lowercase RFC 1123 label that starts with a letter, at most `maxLength` characters. */
export function requireDnsLabel(field: string, value: string, maxLength = 63): string {
    if (typeof value !== "string" || !DNS_LABEL.test(value) || value.length > maxLength) {
        throw new InvalidArgumentError(
            field,
            value,
            `a DNS label of 1-${maxLength} characters: lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
        );
    }
    return value;
}

/** An integer within `[min, max]`. */
export function requireIntegerInRange(
    field: string,
    value: number,
    min: number,
    max: number,
): number {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new InvalidArgumentError(field, value, `an integer from ${min} to ${max}`);
    }
    return value;
}

/** One of a fixed set of strings. */
export function requireOneOf<T extends string>(
    field: string,
    value: string,
    allowed: readonly T[],
): T {
    if (!allowed.includes(value as T)) {
        throw new InvalidArgumentError(field, value, `one of ${allowed.join(", ")}`);
    }
    return value as T;
}

/** A non-empty string. */
export function requireNonEmpty(field: string, value: string): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw new InvalidArgumentError(field, value, "a non-empty string");
    }
    return value;
}

/**
 * The region must be the platform's configured region: a component placed elsewhere would put
 * data or keys outside the region that the policies and the operators expect.
 */
export function requireRegion(field: string, value: string, configuredRegion: string): string {
    if (value !== configuredRegion) {
        throw new InvalidArgumentError(field, value, `the configured region "${configuredRegion}"`);
    }
    return value;
}
