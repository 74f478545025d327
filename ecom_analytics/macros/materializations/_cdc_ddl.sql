{#- Helpers shared by the project's two materializations (streaming_table, refreshed_table). -#}

{#- `schema`.`name`, quoted. -#}
{%- macro cdc_qualified(name) -%}
{{ adapter.quote(this.schema) }}.{{ adapter.quote(name) }}
{%- endmacro -%}

{#- The model's engine / ORDER BY / PARTITION BY clause, from its config(). -#}
{%- macro cdc_table_clauses() -%}
ENGINE = {{ config.require('engine') }}
ORDER BY ({{ config.require('order_by') }})
{%- if config.get('partition_by') %}
PARTITION BY {{ config.get('partition_by') }}
{%- endif %}
{%- if config.get('table_settings') %}
SETTINGS {% for k, v in config.get('table_settings').items() %}{{ k }} = {{ v }}{{ ', ' if not loop.last }}{% endfor %}
{%- endif %}
{%- endmacro -%}

{#- The comment of a table ('' when it does not exist): where a relation records the hash of the SQL that built it. -#}
{%- macro cdc_table_comment(name) -%}
{%- set rows = run_query("SELECT comment FROM system.tables WHERE database = '" ~ this.schema
                         ~ "' AND name = '" ~ name ~ "'") -%}
{{ return(rows.columns[0].values()[0] if rows and rows.rows | length > 0 else none) }}
{%- endmacro -%}

{%- macro cdc_exists(name) -%}
{{ return(cdc_table_comment(name) is not none) }}
{%- endmacro -%}

{#-
  Waits until no INSERT that started before `since` (a DateTime64(6) text from now64(6)) is
  still running, so that every row such an INSERT writes is visible to a back-fill that starts
  afterwards. Bounded by var('insert_wait_seconds', 120); then it goes on and says so (the
  next deploy's back-fill is idempotent and picks the rows up).
-#}
{%- macro cdc_wait_for_inserts_started_before(since) -%}
{%- set limit = var('insert_wait_seconds', 120) | int -%}
{%- for i in range(limit) -%}
  {%- set rows = run_query(
      "SELECT count() FROM system.processes WHERE query_kind = 'Insert' AND elapsed > "
      ~ "dateDiff('microsecond', toDateTime64('" ~ since ~ "', 6), now64(6)) / 1e6") -%}
  {%- if rows.columns[0].values()[0] | int == 0 -%}{{ return(none) }}{%- endif -%}
  {%- do run_query("SELECT sleep(1)") -%}
{%- endfor -%}
{%- do log("cdc: INSERTs started before " ~ since ~ " still running after " ~ limit ~ " s; back-filling anyway",
           info=true) -%}
{%- endmacro -%}

{%- macro cdc_now() -%}
{{ return(run_query("SELECT toString(now64(6))").columns[0].values()[0]) }}
{%- endmacro -%}


{#- The engine of a table or view (none when it does not exist). -#}
{%- macro cdc_engine(name) -%}
{%- set rows = run_query("SELECT engine FROM system.tables WHERE database = '" ~ this.schema
                         ~ "' AND name = '" ~ name ~ "'") -%}
{{ return(rows.columns[0].values()[0] if rows and rows.rows | length > 0 else none) }}
{%- endmacro -%}

{#- Refreshable materialized views need an Atomic (or Replicated) database; says which key to change otherwise. -#}
{%- macro cdc_require_atomic_database() -%}
{%- set rows = run_query("SELECT engine FROM system.databases WHERE name = '" ~ this.schema ~ "'") -%}
{%- set engine = rows.columns[0].values()[0] if rows and rows.rows | length > 0 else none -%}
{%- if engine not in ['Atomic', 'Replicated', 'Shared'] -%}
  {{ exceptions.raise_compiler_error("database " ~ this.schema ~ " has engine " ~ engine
      ~ "; the gold tables refresh through refreshable materialized views, which need an Atomic (or Replicated)"
      ~ " database. Set cdc:clickhouse.database to a new name (the stack creates it as Atomic) or recreate this one"
      ~ " with ENGINE = Atomic.") }}
{%- endif -%}
{%- endmacro -%}

{#- The highest block number of a relation now, written the same way everywhere in a query, so
    that ClickHouse evaluates it once (identical scalar subqueries share one result). -#}
{%- macro cdc_block_watermark(name) -%}
toUInt64(ifNull((SELECT max(_block_number) FROM {{ cdc_qualified(name) }}), 0))
{%- endmacro -%}
