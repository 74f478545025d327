{#- engine: AggregatingMergeTree merges the rows of each (path, json_type) as parts merge (a set of bronze positions,
    min, max, any); readers aggregate again (schema_drift), so unmerged parts never count twice. -#}
{{ config(
    materialized='streaming_table',
    engine='AggregatingMergeTree',
    order_by='path, json_type',
) }}
{#-
  Grain: one row per (path, json_type) per inserted block; aggregated, one per (path, json_type) ever seen in the
  orders documents. Fed at insert time: every sink INSERT into bronze runs this SELECT on the inserted rows.
-#}
{{ drift_fields(source('bronze', 'orders')) }}
