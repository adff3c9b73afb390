import * as assert from "assert";
import fc from "fast-check";
import {
    cidrWithin,
    field,
    isPrivateCidr,
    isUnknownValue,
    isWorld,
    list,
    parseCidr,
    plain,
    truthy,
    UNKNOWN,
} from "../../policies/lib";
import { unknownCheckingProxy } from "@pulumi/policy";
import { GCP, K8S } from "../../policies/types";
import { UNKNOWN_VALUE } from "./harness";

const octet = fc.integer({ min: 0, max: 255 });
const address = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const cidr = fc.tuple(address, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);

describe("policies/lib", () => {
    describe("CIDR arithmetic", () => {
        it("reads a range as its aligned first and last address", () => {
            fc.assert(
                fc.property(cidr, (range) => {
                    const parsed = parseCidr(range)!;
                    const prefix = Number(range.split("/")[1]);
                    assert.strictEqual(parsed.last - parsed.first + 1, 2 ** (32 - prefix));
                    assert.strictEqual(parsed.first % 2 ** (32 - prefix), 0);
                }),
            );
        });

        it("contains every range in itself and in 0.0.0.0/0, and nesting is transitive", () => {
            fc.assert(
                fc.property(cidr, cidr, cidr, (a, b, c) => {
                    assert.ok(cidrWithin(a, a));
                    assert.ok(cidrWithin(a, "0.0.0.0/0"));
                    if (cidrWithin(a, b) && cidrWithin(b, c)) {
                        assert.ok(cidrWithin(a, c));
                    }
                }),
            );
        });

        it("counts a range private only if every address of it is private", () => {
            fc.assert(
                fc.property(cidr, cidr, (inner, outer) => {
                    if (isPrivateCidr(outer) && cidrWithin(inner, outer)) {
                        assert.ok(isPrivateCidr(inner));
                    }
                }),
            );
            for (const range of [
                "10.0.16.0/28",
                "172.16.0.0/28",
                "192.168.1.0/24",
                "100.64.0.0/10",
            ]) {
                assert.ok(isPrivateCidr(range), range);
            }
            for (const range of [
                "0.0.0.0/0",
                "35.235.240.0/20",
                "172.32.0.0/16",
                "10.0.0.0/7",
                "::/0",
                "nonsense",
                "10.0.0.0/33",
            ]) {
                assert.ok(!isPrivateCidr(range), range);
            }
        });

        it("recognises the whole internet", () => {
            assert.ok(isWorld("0.0.0.0/0") && isWorld(" ::/0") && !isWorld("0.0.0.0/1"));
        });
    });

    describe("unknown values", () => {
        it("reads through the SDK's proxy without tripping on an unknown value", () => {
            const props = unknownCheckingProxy({ a: { b: UNKNOWN_VALUE, c: [1, UNKNOWN_VALUE] } });
            assert.strictEqual(field(props, "a", "b"), UNKNOWN);
            assert.strictEqual(field(props, "a", "b", "deeper"), UNKNOWN);
            assert.deepStrictEqual(list(props, "a", "c"), [1, UNKNOWN]);
            assert.strictEqual(list(props, "a", "b"), UNKNOWN);
            assert.deepStrictEqual(list(props, "missing"), []);
            assert.strictEqual(field(props, "a", "missing"), undefined);
            assert.ok(!("__getSpecialProxyTarget" in (plain(props) as object)));
        });

        it("knows every sentinel the SDK uses", () => {
            assert.ok(isUnknownValue(UNKNOWN_VALUE));
            assert.ok(!isUnknownValue("04da6b54"));
        });
    });

    it("reads GCE metadata booleans as GCE does", () => {
        for (const yes of [true, "TRUE", "true", "1", "yes", "on"])
            assert.ok(truthy(yes), String(yes));
        for (const no of [false, "FALSE", "0", "", undefined]) assert.ok(!truthy(no), String(no));
    });

    it("takes every type token from the SDK", () => {
        for (const token of [...Object.values(GCP), ...Object.values(K8S)]) {
            assert.match(token, /^(gcp|kubernetes):[\w./-]+:\w+$/);
        }
    });
});
