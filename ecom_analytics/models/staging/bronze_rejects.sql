{{ config(materialized='view') }}
{#-
  Grain: one row per bronze row that cannot shape silver (docs/data-contract.md §6), whatever the
  collection; a bronze row re-processed (same topic, partition and offset) counts once.
  The rows come from the base_* tables, which keep each reject under a synthetic id at
  insert time; the reasons and their order are in docs/analytics.md.
-#}
{%- for role in ['customers', 'products', 'orders'] %}
select
    '{{ role }}' as collection,
    _topic,
    _partition,
    _offset,
    _ingested_at,
    _reject_reason as reason,
    _raw as raw_data
from {{ ref('base_' ~ role) }} final
where _reject_reason != ''
{% if not loop.last %}union all{% endif %}
{%- endfor %}
