/**
 * The CDC pipeline stack: reads and validates `cdc:*` config, stands the services up on the
 * chosen platform, then lays the same CDC layer (bronze tables, connectors, dbt) on top. The
 * stack is built by `buildStack` (components/stack.ts), which the engine tests run too.
 *
 * Outputs (each documented on `StackOutputs` in components/stack.ts): where the services are
 * (`connectUrl`, `clickhouseUrl`, `kafkaBootstrap`), ClickHouse's user and database, the secrets
 * `clickhousePassword` (`npm run dbt`, your SQL client) and `mongoUri` (`npm run seed`), with TLS
 * the CA the host-side clients trust (`caCertificate`), Connect's REST login (`connectUser`, the
 * secret `connectPassword`), Kafka's SCRAM login for the host tools (`kafkaUser`, the secret
 * `kafkaPassword`), with monitoring where Grafana and Prometheus are and their `admin` passwords
 * (`grafanaUrl`, `prometheusUrl`, the secrets `grafanaAdminPassword`, `prometheusAdminPassword`), the
 * connectors' names and states, the bronze tables, the last dbt run and the dbt vars, and with
 * `cdc:backup.enabled` the backup's target and schedule (`backup`, read by `npm run backup`).
 */
import { loadConfig } from "./components/config/load";
import { buildStack } from "./components/stack";

export const {
    platformName,
    connectUrl,
    clickhouseUrl,
    clickhouseUser,
    clickhouseDatabase,
    clickhousePassword,
    kafkaBootstrap,
    caCertificate,
    connectUser,
    connectPassword,
    kafkaUser,
    kafkaPassword,
    grafanaUrl,
    grafanaAdminPassword,
    prometheusUrl,
    prometheusAdminPassword,
    mongoUri,
    connectors,
    bronzeTables,
    dbtSummary,
    dbtVars,
    backup,
} = buildStack(loadConfig());
