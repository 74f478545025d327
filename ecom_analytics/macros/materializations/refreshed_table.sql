{#-
  refreshed_table: a gold table that ClickHouse keeps current by itself, recomputing only what
  changed, so gold follows silver within seconds with no scheduler and no machine running dbt.

  Relations of a model M:
  - `M__state`: ReplacingMergeTree(_gold_version, _is_deleted) ordered by config unique_key: every
    version of every row, newest wins, tombstones hide deleted rows; `_wm_<relation>` columns hold
    the highest block number of each watched relation that the refresh writing the row had seen;
  - `M`: a view `SELECT … FROM M__state FINAL` (plus config read_time_columns, computed when read,
    e.g. a day count that moves with the calendar, not with the data) — what people query;
  - `M__refresh`: the gate, a refreshable materialized view `REFRESH EVERY
    var('gold_refresh_seconds') SECOND APPEND TO M__gate`, chained after the refreshed_table
    models M reads (DEPENDS ON). Its SELECT is cheap (a few max() reads): it returns one row when
    the highest block number of a relation M watches is above the highest one M's state stored,
    and no row otherwise;
  - `M__gate`: a Null table the gate appends to;
  - `M__apply`: a plain materialized view on `M__gate` into `M__state` whose SELECT is the
    recompute. ClickHouse analyses a view's query per block pushed, so the recompute (all
    analysis when idle: 80-180 ms per mart) runs only on the gate's row, i.e. only when a
    watched relation moved, and inside the gate's refresh: the refresh succeeds once the
    recompute is committed (waits and DEPENDS ON keep their meaning), and a failing recompute
    fails the refresh, so the next one computes the same range again.
    The recompute evaluates the model's scope (config scope, macros/gold_scopes.sql: the scope
    values that rows committed since the previous refresh can move), recomputes the model's rows
    of exactly those scopes from current silver, appends them as a new version, and appends
    tombstones for the rows of those scopes that no longer exist. "Since the previous refresh" is
    by block number (`__CDC_WM_<relation>__` / `__CDC_WMTO_<relation>__` in the model's SQL,
    macros/gold_scopes.sql), allocated at commit in commit order and bounded above by the number
    the refresh stores, so nothing committed between two refreshes is missed and a refresh with
    nothing new recomputes nothing. The gate compares the same numbers: when it passes no row,
    the recompute would have read an empty range.

  Runs of dbt: unchanged (fingerprint in M__state's comment) → refresh now and wait, so the run's
  tests read current gold; new or changed → M__state built in full beside the live one and swapped
  in atomically (EXCHANGE), the view, the gate and the recompute re-created. Needs an Atomic database.
-#}
{%- materialization refreshed_table, adapter='clickhouse' -%}
  {%- set name = this.identifier -%}
  {%- set state = name ~ '__state' -%}
  {%- set state_next = name ~ '__state_next' -%}
  {%- set rmv = name ~ '__refresh' -%}
  {%- set gate = name ~ '__gate' -%}
  {%- set apply = name ~ '__apply' -%}
  {#- Required, with no default here: every caller passes it (components/analytics/vars.ts, whose
      default is the config's cdc:analytics.refreshSeconds), so the number is written in one place. -#}
  {%- if var('gold_refresh_seconds', none) is none -%}
    {{ exceptions.raise_compiler_error("var gold_refresh_seconds (seconds between gold refreshes) is required: pass it"
        ~ " with --vars, as the stack, npm run dbt and tools/analytics do through analyticsVars() in"
        ~ " components/analytics/vars.ts") }}
  {%- endif -%}
  {%- set seconds = var('gold_refresh_seconds') | int -%}
  {%- if seconds < 1 -%}
    {{ exceptions.raise_compiler_error("var gold_refresh_seconds must be a whole number of seconds >= 1, got "
        ~ var('gold_refresh_seconds')) }}
  {%- endif -%}
  {%- set unique_key = config.require('unique_key') -%}
  {%- set keys = unique_key | join(', ') -%}
  {%- set scope_key = config.require('scope_key') -%}
  {%- set scope_sql = gold_scope_sql(config.require('scope')) -%}
  {%- set read_time = config.get('read_time_columns', {}) -%}
  {%- do cdc_require_atomic_database() -%}

  {%- set upstream = [] -%}
  {%- for node_id in model.depends_on.nodes -%}
    {%- set node = graph.nodes.get(node_id) -%}
    {%- if node and node.config.materialized == 'refreshed_table' -%}
      {%- do upstream.append(adapter.quote(node.schema) ~ '.' ~ adapter.quote(node.alias ~ '__refresh')) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set schedule -%}
REFRESH EVERY {{ seconds }} SECOND{% if upstream %} DEPENDS ON {{ upstream | join(', ') }}{% endif %} APPEND
  {%- endset -%}
  {#- the relations whose changes this model watches, and their block-number watermarks -#}
  {%- set watched = [] -%}
  {%- for rel in modules.re.findall('__CDC_WM_([A-Za-z0-9_]+?)__(?![A-Za-z0-9])', sql ~ scope_sql) -%}
    {%- if rel not in watched -%}{%- do watched.append(rel) -%}{%- endif -%}
  {%- endfor -%}
  {%- set ns = namespace(full=sql, inc=sql, scope=scope_sql) -%}
  {%- for rel in watched -%}
    {%- set previous = 'ifNull((SELECT max(_wm_' ~ rel ~ ') FROM ' ~ cdc_qualified(state) ~ '), 0)' -%}
    {%- set current = cdc_block_watermark(rel) -%}
    {%- set ns.full = ns.full | replace('__CDC_WM_' ~ rel ~ '__', '0')
                              | replace('__CDC_WMTO_' ~ rel ~ '__', current) -%}
    {%- set ns.inc = ns.inc | replace('__CDC_WM_' ~ rel ~ '__', previous)
                            | replace('__CDC_WMTO_' ~ rel ~ '__', current) -%}
    {%- set ns.scope = ns.scope | replace('__CDC_WM_' ~ rel ~ '__', previous)
                                | replace('__CDC_WMTO_' ~ rel ~ '__', current) -%}
  {%- endfor -%}
  {%- set model_full = ns.full -%}
  {%- set model_inc = ns.inc -%}
  {%- set scope_inc = ns.scope -%}
  {%- set watermarks -%}
{% for rel in watched %}, {{ cdc_block_watermark(rel) }} AS _wm_{{ rel }}{% endfor %}
  {%- endset -%}
  {%- set watermark_columns -%}
{% for rel in watched %}, _wm_{{ rel }}{% endfor %}
  {%- endset -%}
  {%- set version = 'toUnixTimestamp64Micro(now64(6))' -%}
  {%- set refresh_sql -%}
SELECT *, toUInt8(0) AS _is_deleted, {{ version }} AS _gold_version{{ watermarks }} FROM ({{ model_inc }})
UNION ALL
SELECT * EXCEPT (_is_deleted, _gold_version{{ watermark_columns }}), toUInt8(1) AS _is_deleted,
       {{ version }} AS _gold_version{{ watermarks }}
FROM {{ cdc_qualified(state) }} FINAL
WHERE {{ scope_key }} IN ({{ scope_inc }})
  AND ({{ keys }}) NOT IN (SELECT {{ keys }} FROM ({{ model_inc }}))
  {%- endset -%}
  {#- one row when a watched relation has a block above what the state stored (same numbers as the scopes) -#}
  {%- set moved = [] -%}
  {%- for rel in watched -%}
    {%- do moved.append(cdc_block_watermark(rel) ~ ' > ifNull((SELECT max(_wm_' ~ rel ~ ') FROM '
                        ~ cdc_qualified(state) ~ '), 0)') -%}
  {%- endfor -%}
  {%- set gate_sql -%}
SELECT toUInt8(1) AS moved WHERE {{ moved | join(' OR ') if moved else '0' }}
  {%- endset -%}
  {%- set view_sql -%}
SELECT * EXCEPT (_is_deleted, _gold_version{{ watermark_columns }})
  {%- for column, expr in read_time.items() %}, {{ expr }} AS {{ column }}{% endfor %}
FROM {{ cdc_qualified(state) }} FINAL
  {%- endset -%}
  {#- Block numbers count per table: when a watched table is replaced (a changed or fully
      refreshed silver model is rebuilt and swapped in), the stored watermarks mean nothing for
      the new table, so its identity is part of the fingerprint and the mart is rebuilt in full. -#}
  {%- set identities = run_query(
      "SELECT arrayStringConcat(groupArray(concat(name, '=', toString(uuid))), ',')"
      ~ " FROM (SELECT name, uuid FROM system.tables WHERE database = '" ~ this.schema
      ~ "' AND name IN ('" ~ (watched | join("', '")) ~ "') ORDER BY name)").columns[0].values()[0] -%}
  {%- set fingerprint = 'cdc:' ~ local_md5(sql ~ '|' ~ scope_sql ~ '|' ~ keys ~ '|' ~ scope_key ~ '|' ~ view_sql
                                          ~ '|' ~ schedule ~ '|' ~ watermarks ~ '|' ~ gate_sql ~ '|' ~ identities) -%}

  {{ run_hooks(pre_hooks) }}

  {%- if cdc_table_comment(state) == fingerprint and cdc_exists(rmv) and cdc_exists(name) and cdc_exists(apply)
        and cdc_exists(gate) and not should_full_refresh() -%}
    {%- call statement('main') -%} SYSTEM REFRESH VIEW {{ cdc_qualified(rmv) }} {%- endcall -%}
    {%- do run_query("SYSTEM WAIT VIEW " ~ cdc_qualified(rmv)) -%}
  {%- else -%}
    {%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(rmv)) -%}
    {%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(apply)) -%}
    {%- do run_query("DROP TABLE IF EXISTS " ~ cdc_qualified(state_next)) -%}
    {%- call statement('main') -%}
      CREATE TABLE {{ cdc_qualified(state_next) }}
      ENGINE = ReplacingMergeTree(_gold_version, _is_deleted) ORDER BY ({{ keys }})
      SETTINGS enable_block_number_column = 1 COMMENT 'cdc:pending'
      AS SELECT *, toUInt8(0) AS _is_deleted, {{ version }} AS _gold_version{{ watermarks }} FROM ({{ model_full }})
    {%- endcall -%}
    {%- if cdc_exists(state) -%}
      {%- do run_query("EXCHANGE TABLES " ~ cdc_qualified(state) ~ " AND " ~ cdc_qualified(state_next)) -%}
      {%- do run_query("DROP TABLE " ~ cdc_qualified(state_next)) -%}
    {%- else -%}
      {%- do run_query("RENAME TABLE " ~ cdc_qualified(state_next) ~ " TO " ~ cdc_qualified(state)) -%}
    {%- endif -%}
    {%- if cdc_engine(name) not in [none, 'View'] -%}
      {#- an earlier version of the project built M as a table -#}
      {%- do run_query("DROP TABLE " ~ cdc_qualified(name)) -%}
    {%- endif -%}
    {%- do run_query("CREATE OR REPLACE VIEW " ~ cdc_qualified(name) ~ " AS " ~ view_sql) -%}
    {#- Each recompute also appends one marker: a tombstone of the key's default values with version 0
        (so it never outranks a real row of that key and FINAL hides it) that carries the watermarks.
        Without it a change that gives M nothing to append (a customer without orders for
        fact_orders, a product nobody ordered, a rejected row) left the stored watermarks behind and
        the gate open, recomputing the same empty range every interval. The scopes read the same
        max(_wm_*), so the marker only says what the recompute did read. -#}
    {%- set state_columns = adapter.get_columns_in_relation(this.incorporate(path={'identifier': state})) -%}
    {%- set apply_sql -%}
SELECT recompute.* FROM {{ cdc_qualified(gate) }} AS gate CROSS JOIN ({{ refresh_sql }}
UNION ALL
SELECT * EXCEPT (_is_deleted, _gold_version{{ watermark_columns }}), toUInt8(1) AS _is_deleted,
       toInt64(0) AS _gold_version{{ watermarks }}
FROM (SELECT {% for c in state_columns %}{{ ', ' if not loop.first }}any({{ adapter.quote(c.name) }}) AS {{ adapter.quote(c.name) }}
  {%- endfor %} FROM {{ cdc_qualified(state) }} WHERE 0)) AS recompute
    {%- endset -%}
    {%- do run_query("CREATE TABLE IF NOT EXISTS " ~ cdc_qualified(gate) ~ " (moved UInt8) ENGINE = Null") -%}
    {%- do run_query("CREATE MATERIALIZED VIEW " ~ cdc_qualified(apply) ~ " TO " ~ cdc_qualified(state)
                     ~ " AS " ~ apply_sql) -%}
    {%- do run_query("CREATE MATERIALIZED VIEW " ~ cdc_qualified(rmv) ~ " " ~ schedule ~ " TO " ~ cdc_qualified(gate)
                     ~ " AS " ~ gate_sql) -%}
    {%- do run_query("ALTER TABLE " ~ cdc_qualified(state) ~ " MODIFY COMMENT '" ~ fingerprint ~ "'") -%}
  {%- endif -%}

  {{ run_hooks(post_hooks) }}
  {{ return({'relations': [this.incorporate(type='view')]}) }}
{%- endmaterialization -%}
