-- 017: the site finder reads fewer rows and fewer blocks (issue 12 item 3, goal p95 ≤ 50 ms at
-- 200,000 carriers).
--
-- EXPLAIN (ANALYZE, BUFFERS) of a broad query (q=高新区, 18k available matches) on 013's layout:
-- the BitmapOr of the GIN index (30k candidates: every status) and the park index (30k) made the
-- bitmap heap scan visit 30,000 rows on 11,136 of the table's 11,500 blocks, and the 12,000 that
-- were not `available` were read only to be filtered out; a query without words (type=land and an
-- area range) read all 200,000 rows. Now:
--
-- * Status is part of every index the finder uses, so a bitmap holds only rows of the requested
--   statuses: the word index is three partial GIN indexes, one per status (the repository asks
--   `status = … AND keys @> …` per requested status); the park and county indexes are
--   (park_id, status) and (county_adcode, status).
-- * Filters without words have their own indexes: (status, kind, usable_m2) for type and area,
--   (status, price_unit, price) for a price range in one unit, GIN over industries. (Not partial by
--   status: a small partial index is planned as a cheap scan of every available row, and was —
--   for q=Qu County, 114k rows read to keep 45k.)
-- * Rows are written in the order the finder reads them: carrier_search_refresh inserts a
--   statement's rows ordered by status, kind, park and code, so the rows of an import (thousands
--   of carriers a statement) lie together by status and kind, and the rows of one park in a few
--   runs of blocks: q=高新区 reads ~1,000 blocks instead of 11,000. Later single-row edits go where
--   there is room; the order is only an optimisation, never relied on for answers.
-- Existing rows are rewritten once in that order.

-- (Re)compute the rows of these carriers from `carriers` (013), written in the finder's order.
CREATE OR REPLACE FUNCTION carrier_search_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM carrier_search s
  WHERE s.id = ANY(ids)
    AND NOT EXISTS (SELECT 1 FROM carriers c WHERE c.id = s.id AND c.review_state = 'published');
  INSERT INTO carrier_search AS s (id, kind, status, county_adcode, park_id, usable_m2, price, price_unit, industries, code, min_x, min_y, max_x, max_y, doc, keys)
  WITH c AS MATERIALIZED (
    SELECT c.id, c.kind, c.status, c.county_adcode, c.park_id,
           CASE WHEN c.kind = 'land' THEN c.area_m2 ELSE coalesce(c.floor_area_m2, c.area_m2) END AS usable_m2,
           c.price, c.price_unit, c.allowed_industries, c.code, box2d(c.geom) AS box, c.name, c.name_en
    FROM carriers c
    WHERE c.id = ANY(ids) AND c.review_state = 'published'
  ), py AS (
    SELECT c.id,
           string_agg(coalesce(d.py, x.ch), '' ORDER BY x.i) AS full_py,
           string_agg(coalesce(left(d.py, 1), x.ch), '' ORDER BY x.i) AS initials
    FROM c
    CROSS JOIN LATERAL unnest(regexp_split_to_array(search_norm(c.name), '')) WITH ORDINALITY AS x(ch, i)
    LEFT JOIN search_pinyin_chars d ON d.ch = x.ch
    WHERE c.name ~ '[一-鿿㐀-䶿]'
    GROUP BY c.id
  ), segs AS (
    SELECT id, seg, min(ord) AS ord
    FROM (
      SELECT c.id, u.seg, u.ord
      FROM c LEFT JOIN py ON py.id = c.id
      CROSS JOIN LATERAL unnest(ARRAY[search_norm(c.name), search_norm(c.code), search_norm(c.name_en), py.full_py, py.initials]) WITH ORDINALITY AS u(seg, ord)
    ) s
    WHERE seg <> ''
    GROUP BY id, seg
  ), docs AS (
    SELECT id, string_agg(seg, '|' ORDER BY ord) AS doc FROM segs GROUP BY id
  ), grams AS (
    SELECT g.id, array_agg(DISTINCT (hashtext(g.k) & 32767)::int2) AS keys
    FROM (
      SELECT segs.id, substr(segs.seg, i, 2) AS k FROM segs CROSS JOIN LATERAL generate_series(1, length(segs.seg) - 1) AS i
      UNION ALL
      SELECT segs.id, ch FROM segs CROSS JOIN LATERAL regexp_split_to_table(segs.seg, '') AS ch WHERE ch ~ '[一-鿿㐀-䶿]'
    ) g
    GROUP BY g.id
  )
  SELECT c.id, c.kind, c.status, c.county_adcode, c.park_id, c.usable_m2, c.price, c.price_unit, c.allowed_industries, c.code,
         ST_XMin(c.box), ST_YMin(c.box), ST_XMax(c.box), ST_YMax(c.box),
         coalesce(docs.doc, ''), coalesce(grams.keys, '{}')
  FROM c LEFT JOIN docs ON docs.id = c.id LEFT JOIN grams ON grams.id = c.id
  ORDER BY c.status, c.kind, c.park_id, c.code
  ON CONFLICT (id) DO UPDATE SET
    kind = EXCLUDED.kind, status = EXCLUDED.status, county_adcode = EXCLUDED.county_adcode, park_id = EXCLUDED.park_id,
    usable_m2 = EXCLUDED.usable_m2, price = EXCLUDED.price, price_unit = EXCLUDED.price_unit, industries = EXCLUDED.industries,
    code = EXCLUDED.code, min_x = EXCLUDED.min_x, min_y = EXCLUDED.min_y, max_x = EXCLUDED.max_x, max_y = EXCLUDED.max_y,
    doc = EXCLUDED.doc, keys = EXCLUDED.keys
  WHERE (s.kind, s.status, s.county_adcode, s.park_id, s.usable_m2, s.price, s.price_unit, s.industries, s.code, s.min_x, s.min_y, s.max_x, s.max_y, s.doc)
        IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.status, EXCLUDED.county_adcode, EXCLUDED.park_id, EXCLUDED.usable_m2, EXCLUDED.price,
                          EXCLUDED.price_unit, EXCLUDED.industries, EXCLUDED.code, EXCLUDED.min_x, EXCLUDED.min_y, EXCLUDED.max_x, EXCLUDED.max_y, EXCLUDED.doc);
END
$$;

DROP INDEX carrier_search_keys_idx;
DROP INDEX carrier_search_park_idx;
DROP INDEX carrier_search_county_idx;

TRUNCATE carrier_search;
SELECT carrier_search_refresh(ARRAY(SELECT id FROM carriers WHERE review_state = 'published'));

CREATE INDEX carrier_search_keys_available_idx ON carrier_search USING gin (keys) WHERE status = 'available';
CREATE INDEX carrier_search_keys_reserved_idx ON carrier_search USING gin (keys) WHERE status = 'reserved';
CREATE INDEX carrier_search_keys_occupied_idx ON carrier_search USING gin (keys) WHERE status = 'occupied';
CREATE INDEX carrier_search_park_idx ON carrier_search (park_id, status);
CREATE INDEX carrier_search_county_idx ON carrier_search (county_adcode, status);
CREATE INDEX carrier_search_kind_area_idx ON carrier_search (status, kind, usable_m2);
CREATE INDEX carrier_search_price_idx ON carrier_search (status, price_unit, price);
CREATE INDEX carrier_search_industries_idx ON carrier_search USING gin (industries);
ANALYZE carrier_search;
