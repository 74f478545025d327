{#- Project-local generic tests (no package needed). Each returns the offending rows. -#}

{#- Every row satisfies a boolean SQL expression. -#}
{% test expression_is_true(model, expression, column_name=none) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}

{#- The combination of columns is unique (composite key). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count() as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count() > 1
{% endtest %}

{#- Every non-null value matches a (RE2) regular expression. -#}
{% test matches_regex(model, column_name, pattern) %}
select {{ column_name }} from {{ model }}
where {{ column_name }} is not null and not match(toString({{ column_name }}), '{{ pattern }}')
{% endtest %}

{#- The model has no rows (e.g. bronze_rejects; use with severity warn: its rows are the finding). -#}
{% test has_no_rows(model) %}
select * from {{ model }}
{% endtest %}
