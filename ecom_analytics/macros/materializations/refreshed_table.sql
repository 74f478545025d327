{#-
  refreshed_table: a table that ClickHouse itself keeps current with a refreshable materialized
  view (`REFRESH EVERY var('gold_refresh_seconds') SECOND`), chained after the refreshed_table
  models it reads (`DEPENDS ON`, taken from the model's refs), so gold follows silver with no
  scheduler and no machine running dbt. Each refresh runs the model's SELECT and swaps the
  result in atomically (needs an Atomic database, ClickHouse's default).

  - unchanged (the table's comment holds the hash of SQL, settings, interval and dependencies):
    the view is refreshed now and waited for, so the run's tests read current gold;
  - new or changed: `CREATE OR REPLACE TABLE ... AS` builds it in full (readers keep the old table
    until the swap), then the refreshable view is (re)created.
-#}
{%- materialization refreshed_table, adapter='clickhouse' -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set name = this.identifier -%}
  {%- set rmv = name ~ '__refresh' -%}
  {%- set seconds = var('gold_refresh_seconds', 5) | int -%}
  {%- if seconds < 1 -%}
    {{ exceptions.raise_compiler_error("var gold_refresh_seconds must be a whole number of seconds >= 1, got " ~ var('gold_refresh_seconds')) }}
  {%- endif -%}
  {%- set upstream = [] -%}
  {%- for node_id in model.depends_on.nodes -%}
    {%- set node = graph.nodes.get(node_id) -%}
    {%- if node and node.config.materialized == 'refreshed_table' -%}
      {%- do upstream.append(adapter.quote(node.schema) ~ '.' ~ adapter.quote(node.alias ~ '__refresh')) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set schedule -%}
REFRESH EVERY {{ seconds }} SECOND{% if upstream %} DEPENDS ON {{ upstream | join(', ') }}{% endif %}
  {%- endset -%}
  {%- set fingerprint = 'cdc:' ~ local_md5(sql ~ '|' ~ cdc_table_clauses() ~ '|' ~ schedule) -%}

  {{ run_hooks(pre_hooks) }}

  {%- if cdc_table_comment(name) == fingerprint and cdc_exists(rmv) and not should_full_refresh() -%}
    {%- call statement('main') -%} SYSTEM REFRESH VIEW {{ cdc_qualified(rmv) }} {%- endcall -%}
    {%- do run_query("SYSTEM WAIT VIEW " ~ cdc_qualified(rmv)) -%}
  {%- else -%}
    {%- do run_query("DROP VIEW IF EXISTS " ~ cdc_qualified(rmv)) -%}
    {%- call statement('main') -%}
      CREATE OR REPLACE TABLE {{ cdc_qualified(name) }} {{ cdc_table_clauses() }} COMMENT '{{ fingerprint }}' AS {{ sql }}
    {%- endcall -%}
    {%- do run_query("CREATE MATERIALIZED VIEW " ~ cdc_qualified(rmv) ~ " " ~ schedule ~ " TO " ~ cdc_qualified(name) ~ " AS " ~ sql) -%}
  {%- endif -%}

  {{ run_hooks(post_hooks) }}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
