{#- engine: rows re-processed by a back-fill are identical, so a ReplacingMergeTree over the whole row keeps one. -#}
{{ config(
    materialized='streaming_table',
    engine='ReplacingMergeTree',
    order_by='(_topic, _partition, _offset, _ingested_at)',
) }}
{#-
  Grain: one row per bronze row of products that is a streamed event with a valid oplog position (its `_mark`) or
  sits at offset 0 (the start of a topic life). Fed at insert time. Internal: base_products reads it to give each
  snapshot read the position of the streamed events before it on its partition (macros/stream_positions.sql).
-#}
{{ partition_marks('products') }}
