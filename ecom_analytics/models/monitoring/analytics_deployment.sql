{#- engine: one row, replaced by every dbt run (the table materialization swaps the table in) -#}
{{ config(materialized='table', engine='MergeTree', order_by='deployed_at') }}
{#-
  Grain: one row: which contract and which dbt project the deployed models implement, and when they were deployed
  (the last dbt run; the stack runs dbt only when the project, its target or its vars change). contract_version is the
  date of docs/data-contract.md's last change (var contract_version, dbt_project.yml); project_hash the project's
  content hash (components/providers/dbt/hash.ts, passed by every runner as var cdc_project_hash), the same value as
  the stack's DbtRun output contentHash. Read by `npm run status`.
-#}
-- built after every other model, so its time is the end of the deploy
-- depends_on: {{ ref('schema_drift') }}
-- depends_on: {{ ref('fact_orders') }}
-- depends_on: {{ ref('fct_daily_sales') }}
-- depends_on: {{ ref('bronze_rejects') }}
select
    '{{ var("contract_version") }}' as contract_version,
    '{{ var("cdc_project_hash", "") }}' as project_hash,
    now64(3, 'UTC') as deployed_at,
    '{{ invocation_id }}' as dbt_invocation_id
