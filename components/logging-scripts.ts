import * as k8s from "@pulumi/kubernetes";
import { ELASTIC_USER_SECRET, elasticsearchUrl } from "./logging-config";

/**
 * POSIX shell scripts that the logging Jobs run with curl. Credentials arrive as environment
 * variables from Kubernetes Secrets and reach curl through a config on file descriptor 3 and
 * request bodies on standard input: never on a command line, where any process on the node
 * could read them, and never in the Job's log.
 */

const COMMON = String.raw`set -eu
: "${"$"}{ES_URL:?ES_URL is required}"
: "${"$"}{ES_ADMIN_PASSWORD:?ES_ADMIN_PASSWORD is required}"
CACERT_OPTION=""
if [ -n "${"$"}{ES_CA_FILE:-}" ]; then CACERT_OPTION="--cacert=${"$"}ES_CA_FILE"; fi
RESPONSE="$(mktemp)"
trap 'rm -f "$RESPONSE"' EXIT

# call METHOD URL [ALLOWED_STATUS...]: the JSON body, if any, comes on standard input.
call() {
    method="$1"; url="$2"; shift 2
    status="$(curl -sS -X "$method" $CACERT_OPTION -K /dev/fd/3 \
        -H 'Content-Type: application/json' -H 'kbn-xsrf: true' \
        --data-binary @- -o "$RESPONSE" -w '%{http_code}' "$url" 3<<AUTH
user = "elastic:$ES_ADMIN_PASSWORD"
AUTH
)" || return 1
    for allowed in "$@"; do
        if [ "$status" = "$allowed" ]; then return 0; fi
    done
    case "$status" in 2*) return 0 ;; esac
    echo "$method $url answered $status" >&2
    return 1
}

wait_for_elasticsearch() {
    attempt=0
    until call GET "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=10s" </dev/null; do
        attempt=$((attempt + 1))
        if [ "$attempt" -ge "${"$"}{ES_WAIT_ATTEMPTS:-60}" ]; then
            echo "Elasticsearch did not become ready" >&2
            exit 1
        fi
        sleep "${"$"}{ES_WAIT_SECONDS:-5}"
    done
}

# Generated passwords hold only these characters, so they need no escaping inside JSON.
require_plain_password() {
    case "$1" in
        *[!A-Za-z0-9._~-]*|'') echo "$2 holds characters outside [A-Za-z0-9._~-]" >&2; exit 1 ;;
    esac
}
`;

/**
 * Sets up retention and the log shipper's identity: the lifecycle policy, the index template,
 * the writer role and the `fluent-bit` user. Reads JSON bodies from `CONFIG_DIR`.
 */
export const BOOTSTRAP_SCRIPT = String.raw`#!/bin/sh
${COMMON}
: "${"$"}{CONFIG_DIR:?CONFIG_DIR is required}"
: "${"$"}{WRITER_PASSWORD:?WRITER_PASSWORD is required}"
require_plain_password "$WRITER_PASSWORD" WRITER_PASSWORD

wait_for_elasticsearch
call PUT "$ES_URL/_ilm/policy/logs-retention" <"$CONFIG_DIR/retention-policy.json"
call PUT "$ES_URL/_index_template/logs" <"$CONFIG_DIR/index-template.json"
call PUT "$ES_URL/_security/role/log-writer" <"$CONFIG_DIR/log-writer-role.json"
printf '{"password":"%s","roles":["log-writer"],"full_name":"Fluent Bit"}' "$WRITER_PASSWORD" |
    call PUT "$ES_URL/_security/user/fluent-bit"
echo "logging bootstrap complete"
`;

/**
 * Gives one tenant its Elasticsearch role and user and its own Kibana space. `TENANT` must be a
 * DNS label; the role body comes from `CONFIG_DIR/role.json`.
 */
export const TENANT_ACCESS_SCRIPT = String.raw`#!/bin/sh
${COMMON}
: "${"$"}{CONFIG_DIR:?CONFIG_DIR is required}"
: "${"$"}{TENANT:?TENANT is required}"
: "${"$"}{TENANT_PASSWORD:?TENANT_PASSWORD is required}"
: "${"$"}{KIBANA_URL:?KIBANA_URL is required}"
case "$TENANT" in
    *[!a-z0-9-]*|-*|*-|'') echo "TENANT must be a DNS label" >&2; exit 1 ;;
esac
require_plain_password "$TENANT_PASSWORD" TENANT_PASSWORD

wait_for_elasticsearch
call PUT "$ES_URL/_security/role/tenant-$TENANT" <"$CONFIG_DIR/role.json"
printf '{"password":"%s","roles":["tenant-%s"],"full_name":"Tenant %s"}' \
    "$TENANT_PASSWORD" "$TENANT" "$TENANT" | call PUT "$ES_URL/_security/user/tenant-$TENANT"
if ! call GET "$KIBANA_URL/api/spaces/space/$TENANT" </dev/null 2>/dev/null; then
    printf '{"id":"%s","name":"%s","disabledFeatures":[]}' "$TENANT" "$TENANT" |
        call POST "$KIBANA_URL/api/spaces/space" 409
fi
echo "log access for $TENANT is in place"
`;

/** Where the scripts' Job mounts ECK's CA certificate. */
export const CA_MOUNT = "/tls/ca.crt";

/**
 * The environment every script needs to reach Elasticsearch as the `elastic` superuser, whose
 * password comes from ECK's Secret in the logging namespace.
 */
export function adminConnectionEnv(loggingNamespace: string): k8s.types.input.core.v1.EnvVar[] {
    return [
        { name: "ES_URL", value: elasticsearchUrl(loggingNamespace) },
        { name: "ES_CA_FILE", value: CA_MOUNT },
        {
            name: "ES_ADMIN_PASSWORD",
            valueFrom: { secretKeyRef: { name: ELASTIC_USER_SECRET, key: "elastic" } },
        },
    ];
}
