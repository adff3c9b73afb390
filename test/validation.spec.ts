import * as assert from "assert";
import fc from "fast-check";
import {
    contains,
    InvalidArgumentError,
    isPrivate,
    overlaps,
    parseCidr,
    requireAuthorizedNetworks,
    requireDisjoint,
    requireDnsLabel,
    requireIntegerInRange,
    requirePrivateCidr,
    requireRegion,
} from "../components/validation";

/** A CIDR with no host bits set, built from an address and a prefix length. */
const cidr = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([address, prefix]) => {
        const size = 2 ** (32 - prefix);
        const first = Math.floor(address / size) * size;
        const octets = [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256);
        return `${octets.join(".")}/${prefix}`;
    });

function expectInvalid(fn: () => unknown, field: string, value: unknown): InvalidArgumentError {
    try {
        fn();
    } catch (error) {
        assert.ok(
            error instanceof InvalidArgumentError,
            `expected InvalidArgumentError, got ${error}`,
        );
        assert.strictEqual(error.field, field);
        assert.deepStrictEqual(error.value, value);
        assert.match(error.message, new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}: `));
        assert.match(error.message, /expected /);
        return error;
    }
    assert.fail(`expected ${field}=${JSON.stringify(value)} to be refused`);
}

describe("validation", () => {
    describe("parseCidr", () => {
        it("round-trips every well-formed range", () => {
            fc.assert(
                fc.property(cidr, (c) => {
                    const r = parseCidr("f", c);
                    assert.strictEqual(r.last - r.first + 1, 2 ** (32 - r.prefixLength));
                }),
            );
        });

        for (const bad of [
            "10.0.0.1/24",
            "10.0.0.0",
            "256.0.0.0/8",
            "10.0.0.0/33",
            "",
            "a.b.c.d/8",
        ]) {
            it(`refuses ${JSON.stringify(bad)} naming the field`, () => {
                expectInvalid(() => parseCidr("nodeCidr", bad), "nodeCidr", bad);
            });
        }
    });

    describe("overlap and containment", () => {
        it("overlap is symmetric, and containment implies overlap", () => {
            fc.assert(
                fc.property(cidr, cidr, (a, b) => {
                    const ra = parseCidr("a", a);
                    const rb = parseCidr("b", b);
                    assert.strictEqual(overlaps(ra, rb), overlaps(rb, ra));
                    if (contains(ra, rb)) assert.ok(overlaps(ra, rb));
                }),
            );
        });

        it("two aligned ranges either nest or are disjoint", () => {
            fc.assert(
                fc.property(cidr, cidr, (a, b) => {
                    const ra = parseCidr("a", a);
                    const rb = parseCidr("b", b);
                    assert.strictEqual(overlaps(ra, rb), contains(ra, rb) || contains(rb, ra));
                }),
            );
        });
    });

    describe("private ranges", () => {
        it("accepts RFC 1918 ranges", () => {
            for (const c of ["10.0.0.0/8", "172.16.0.0/12", "172.31.255.0/24", "192.168.1.0/24"]) {
                assert.ok(isPrivate(parseCidr("f", c)), c);
                requirePrivateCidr("f", c);
            }
        });

        for (const c of [
            "0.0.0.0/0",
            "8.8.8.0/24",
            "172.32.0.0/16",
            "35.235.240.0/20",
            "0.0.0.0/1",
        ]) {
            it(`refuses the public range ${c}`, () => {
                const error = expectInvalid(() => requirePrivateCidr("podCidr", c), "podCidr", c);
                assert.match(error.allowed, /10\.0\.0\.0\/8/);
            });
        }

        it("refuses a range wider than the minimum prefix", () => {
            expectInvalid(
                () => requirePrivateCidr("masterCidr", "172.16.0.0/24", 28),
                "masterCidr",
                "172.16.0.0/24",
            );
        });
    });

    describe("requireDisjoint", () => {
        it("names both overlapping fields", () => {
            const error = expectInvalid(
                () =>
                    requireDisjoint({
                        nodeCidr: parseCidr("nodeCidr", "10.0.0.0/20"),
                        podCidr: parseCidr("podCidr", "10.0.8.0/21"),
                    }),
                "nodeCidr",
                "10.0.0.0/20",
            );
            assert.match(error.allowed, /podCidr \(10\.0\.8\.0\/21\)/);
        });

        it("accepts disjoint ranges", () => {
            requireDisjoint({ a: parseCidr("a", "10.0.0.0/24"), b: parseCidr("b", "10.0.1.0/24") });
        });
    });

    describe("requireAuthorizedNetworks", () => {
        it("refuses 0.0.0.0/0 naming the element", () => {
            expectInvalid(
                () =>
                    requireAuthorizedNetworks("authorizedNetworks", [
                        "203.0.113.0/24",
                        "0.0.0.0/0",
                    ]),
                "authorizedNetworks[1]",
                "0.0.0.0/0",
            );
        });

        it("refuses an empty list", () => {
            expectInvalid(
                () => requireAuthorizedNetworks("authorizedNetworks", []),
                "authorizedNetworks",
                [],
            );
        });

        it("accepts specific networks, public or private", () => {
            assert.strictEqual(
                requireAuthorizedNetworks("n", ["203.0.113.0/24", "10.1.0.0/16"]).length,
                2,
            );
        });
    });

    describe("requireDnsLabel", () => {
        it("accepts every generated valid label", () => {
            const label = fc.stringMatching(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
            fc.assert(fc.property(label, (l) => assert.strictEqual(requireDnsLabel("name", l), l)));
        });

        for (const bad of [
            "",
            "Acme",
            "-acme",
            "acme-",
            "1acme",
            "ac_me",
            "a".repeat(64),
            "acme;drop",
            "a b",
        ]) {
            it(`refuses ${JSON.stringify(bad)}`, () => {
                expectInvalid(() => requireDnsLabel("tenant.name", bad), "tenant.name", bad);
            });
        }
    });

    it("requireIntegerInRange refuses fractions and out-of-range values", () => {
        expectInvalid(() => requireIntegerInRange("n", 1.5, 1, 3), "n", 1.5);
        expectInvalid(() => requireIntegerInRange("n", 0, 1, 3), "n", 0);
        expectInvalid(() => requireIntegerInRange("n", 4, 1, 3), "n", 4);
        assert.strictEqual(requireIntegerInRange("n", 3, 1, 3), 3);
    });

    it("requireRegion refuses a region other than the configured one", () => {
        const error = expectInvalid(
            () => requireRegion("region", "europe-west1", "us-east1"),
            "region",
            "europe-west1",
        );
        assert.match(error.allowed, /us-east1/);
    });
});
