import * as assert from "assert";
import fc from "fast-check";
import {
    fluentBitPipeline,
    INDEX_PREFIX_LUA,
    indexFor,
    logWriterRole,
    patternMatches,
    tenantIndexPattern,
    tenantRole,
    UNATTRIBUTED_INDEX_PREFIX,
} from "../components/logging-config";

const label = fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/);
const day = fc.date({
    min: new Date("2020-01-01T00:00:00Z"),
    max: new Date("2040-12-31T00:00:00Z"),
    noInvalidDate: true,
});

describe("log index isolation", () => {
    it("a tenant's pattern matches every index of its own namespace", () => {
        fc.assert(
            fc.property(label, day, (t, d) =>
                assert.ok(patternMatches(tenantIndexPattern(t), indexFor(t, d))),
            ),
        );
    });

    it("a tenant's pattern matches no index of any other namespace", () => {
        fc.assert(
            fc.property(label, label, day, (t, other, d) => {
                fc.pre(t !== other);
                assert.ok(
                    !patternMatches(tenantIndexPattern(t), indexFor(other, d)),
                    `${t} reads ${indexFor(other, d)}`,
                );
            }),
        );
    });

    it("holds for names that share a prefix, such as acme and acme-prod", () => {
        const d = new Date("2026-12-03T00:00:00Z");
        assert.strictEqual(indexFor("acme-prod", d), "logs-acme-prod.2026.12.03");
        assert.ok(!patternMatches(tenantIndexPattern("acme"), indexFor("acme-prod", d)));
        assert.ok(!patternMatches(tenantIndexPattern("acme-prod"), indexFor("acme", d)));
    });

    it("no tenant reads the unattributed logs", () => {
        fc.assert(
            fc.property(label, (t) =>
                assert.ok(
                    !patternMatches(
                        tenantIndexPattern(t),
                        `${UNATTRIBUTED_INDEX_PREFIX}.2026.12.03`,
                    ),
                ),
            ),
        );
    });

    it("a tenant's role reads its own indices and nothing else, with no cluster privilege", () => {
        const role = tenantRole("acme") as {
            cluster: string[];
            indices: { names: string[]; privileges: string[] }[];
            applications: { resources: string[]; privileges: string[] }[];
            run_as: string[];
        };
        assert.deepStrictEqual(role.cluster, []);
        assert.deepStrictEqual(role.run_as, []);
        assert.deepStrictEqual(role.indices, [
            {
                names: ["logs-acme.*"],
                privileges: ["read", "view_index_metadata"],
                allow_restricted_indices: false,
            },
        ]);
        assert.deepStrictEqual(role.applications[0].resources, ["space:acme"]);
        assert.ok(role.applications[0].privileges.every((p) => p.endsWith(".read")));
    });

    it("the log writer may create, never read", () => {
        const role = logWriterRole() as { indices: { privileges: string[] }[] };
        for (const privilege of role.indices[0].privileges)
            assert.ok(!/read|all|manage|delete/.test(privilege), privilege);
    });
});

describe("Fluent Bit pipeline", () => {
    const { filters, outputs } = fluentBitPipeline("logging");

    it("names the index from the namespace the kubelet wrote, not from labels", () => {
        assert.match(INDEX_PREFIX_LUA, /record\["kubernetes"\]/);
        assert.match(INDEX_PREFIX_LUA, /k8s\["namespace_name"\]/);
        assert.match(INDEX_PREFIX_LUA, /"logs-" \.\. namespace/);
        assert.doesNotMatch(INDEX_PREFIX_LUA, /labels/);
        assert.match(outputs, /Logstash_Prefix_Key\s+\$es_index/);
        assert.match(outputs, /Logstash_Prefix_Separator \./);
        assert.match(outputs, /Logstash_DateFormat\s+%Y\.%m\.%d/);
    });

    it("sends logs over verified TLS with the writer's credential from the environment", () => {
        assert.match(outputs, /tls\s+On/);
        assert.match(outputs, /tls\.verify\s+On/);
        assert.match(outputs, /HTTP_Passwd\s+\$\{ES_PASSWORD\}/);
        assert.match(outputs, /Host\s+logs-es-http\.logging\.svc/);
    });

    it("sends what has no namespace to an index no tenant can read", () => {
        assert.match(INDEX_PREFIX_LUA, new RegExp(UNATTRIBUTED_INDEX_PREFIX));
        assert.match(outputs, new RegExp(`Logstash_Prefix\\s+${UNATTRIBUTED_INDEX_PREFIX}`));
        assert.match(filters, /Name\s+kubernetes/);
        assert.match(filters, /call\s+set_index/);
    });
});

describe("Fluent Bit's index filter, run in a Lua interpreter", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { lua, lauxlib, lualib, to_luastring, to_jsstring } = require("fengari");

    /** Runs `set_index` on a record whose kubernetes.namespace_name is `namespace` (nil when undefined). */
    function indexPrefixOf(
        namespace: string | undefined,
        withKubernetes = true,
    ): { code: number; index: string } {
        const L = lauxlib.luaL_newstate();
        lualib.luaL_openlibs(L);
        assert.strictEqual(lauxlib.luaL_dostring(L, to_luastring(INDEX_PREFIX_LUA)), 0);
        if (namespace === undefined) lua.lua_pushnil(L);
        else lua.lua_pushstring(L, to_luastring(namespace));
        lua.lua_setglobal(L, to_luastring("ns"));
        const program = withKubernetes
            ? "code, ts, out = set_index('kube.x', 0, { log = 'x', kubernetes = { namespace_name = ns, labels = { app = 'other' } } })"
            : "code, ts, out = set_index('kube.x', 0, { log = 'x' })";
        assert.strictEqual(
            lauxlib.luaL_dostring(L, to_luastring(`${program}; index = out.es_index`)),
            0,
        );
        lua.lua_getglobal(L, to_luastring("code"));
        const code = lua.lua_tointeger(L, -1);
        lua.lua_getglobal(L, to_luastring("index"));
        return { code, index: to_jsstring(lua.lua_tostring(L, -1)) };
    }

    it("names the index after the namespace for every tenant name", () => {
        fc.assert(
            fc.property(label, (t) => {
                assert.deepStrictEqual(indexPrefixOf(t), { code: 2, index: `logs-${t}` });
            }),
            { numRuns: 50 },
        );
    });

    it("sends records without a readable namespace to the unattributed index", () => {
        for (const ns of [undefined, "", "Acme", "a.b", "a*"]) {
            assert.strictEqual(indexPrefixOf(ns).index, UNATTRIBUTED_INDEX_PREFIX, String(ns));
        }
        assert.strictEqual(indexPrefixOf(undefined, false).index, UNATTRIBUTED_INDEX_PREFIX);
    });
});
