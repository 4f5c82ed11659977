-- Temporal extent of a layer for OGC API – Features collections. {{table}} and {{time}} come from
-- the layer definition (identifiers escaped); {{where}} is the feature-query compiler's condition
-- (visibility and the layer's fixed filter), whose values are $n parameters.

-- name: temporalExtent
-- Whole seconds: the first time rounded down, the last rounded up, so the interval holds them all.
SELECT to_timestamp(floor(extract(epoch FROM min(tm)))) AS first, to_timestamp(ceil(extract(epoch FROM max(tm)))) AS last
FROM (SELECT {{time}} AS tm FROM {{table}} t WHERE {{where}}) s;
