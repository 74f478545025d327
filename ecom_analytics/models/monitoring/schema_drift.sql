{{ config(materialized='view') }}
{#-
  Grain: one row per (collection, field path) ever seen in the collection's documents (`after` of c/r/u events),
  top-level fields and nested paths down to var('schema_drift_depth', 2) levels (`address.city`, `items[].quantity`).
  Current at every read: the drift_* tables are fed at insert time. `drift` says what needs a decision:
  'unmodelled' (the contract has no such field: silver ignores it), 'type_change' (a field of the contract seen with
  a type silver does not read: those events are bad_* rejects), '' (as the contract says). docs/analytics.md.
-#}
with contract as (
    select c.1 as collection, c.2 as path, c.3 as contract_types, toUInt8(1) as modelled
    from (
        select arrayJoin([
            {%- for collection, fields in contract_fields().items() %}
            {%- set outer = loop %}
            {%- for path, types in fields.items() %}
            {%- set sep = '' if outer.last and loop.last else ',' %}
            ('{{ collection }}', '{{ path }}', {{ types | list | tojson | replace('"', "'") }}){{ sep }}
            {%- endfor %}
            {%- endfor %}
        ]) as c
    )
),
seen as (
    {%- for role in ['customers', 'products', 'orders'] %}
    select '{{ role }}' as collection, path, json_type, event_positions, first_seen_at, last_seen_at, sample_value
    from {{ ref('drift_' ~ role) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),
classified as (
    -- inputs renamed (_…) so that no output alias below shadows the column its aggregate reads
    select
        seen.collection as collection,
        seen.path as path,
        seen.json_type as _type,
        seen.event_positions as _positions,
        seen.first_seen_at as _first,
        seen.last_seen_at as _last,
        seen.sample_value as _sample,
        contract.modelled as _modelled,
        contract.contract_types as _contract_types,
        contract.modelled = 1 and seen.json_type != 'null' and not has(contract.contract_types, seen.json_type)
            as _unexpected
    from seen
    left join contract on seen.collection = contract.collection and seen.path = contract.path
)
select
    collection,
    path,
    toUInt8(length(splitByChar('.', replaceAll(path, '[]', '')))) as depth,
    arraySort(groupUniqArray(_type)) as json_types,
    groupBitmapMerge(_positions) as event_count,
    min(_first) as first_seen_at,
    max(_last) as last_seen_at,
    -- a value of the type seen last, non-null first ('***' when the name looks secret: drift_secret_name_pattern())
    argMax(_sample, (_type != 'null', _last)) as sample_value,
    toBool(max(_modelled)) as modelled,
    any(_contract_types) as contract_types,
    arraySort(groupUniqArrayIf(_type, _unexpected)) as changed_types,
    groupBitmapMergeIf(_positions, _unexpected) as changed_type_events,
    if(changed_type_events > 0, minIf(_first, _unexpected), NULL) as changed_type_first_seen_at,
    if(changed_type_events > 0, maxIf(_last, _unexpected), NULL) as changed_type_last_seen_at,
    multiIf(not modelled, 'unmodelled', changed_type_events > 0, 'type_change', '') as drift
from classified
group by collection, path
