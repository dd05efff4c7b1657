"""The analytics SQL: each endpoint is one statement, aggregated entirely in PostgreSQL.

Local time is `created_at AT TIME ZONE :tz` (a wall-clock timestamp), so days, weeks (ISO, from
Monday) and months begin where the caller's clock says, DST included. Ties are broken by the
catalog's order (`array_position(:catalog, ...)`), which keeps answers stable between calls.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

# Words too common to be a "theme". English only: the situations the app collects are free text,
# and a short list keeps the pattern honest rather than clever.
_STOPWORD_TEXT = """
    a about after again against all also always am an and any are around as at be because been
    before being between both but by can could did didn do does doing don down during each even
    ever every feel feeling felt few for from get got had has have having he her here hers him his
    how i if in into is isn it its just know like made make me more most much my myself never no
    nor not now of off on once one only or other our out over own really said same say she should
    so some still such than that the their them then there these they thing things think this
    those through to today too under until up very was wasn we were what when where which while
    who why will with without would yesterday you your
    """
STOPWORDS: tuple[str, ...] = tuple(_STOPWORD_TEXT.split())

SUMMARY: TextClause = text(
    """
-- One pass over the period's entries, grouped two ways at once: by local day (totals, trend and
-- weekdays are then computed from at most one row a day) and by emotion list (entries repeat the
-- same few lists, so each distinct list is unnested once, weighted by how many entries share it).
WITH grouped AS MATERIALIZED (
    SELECT CAST(created_at AT TIME ZONE CAST(:tz AS text) AS date) AS day, emotions,
           count(*) AS n, sum(intensity) AS intensity_sum,
           GROUPING(emotions) AS by_day
    FROM emotion_entries
    WHERE user_id = :user_id AND created_at >= :start_at AND created_at < :end_at
    GROUP BY GROUPING SETS ((day), (emotions))
),
daily AS (
    SELECT day, n, intensity_sum FROM grouped WHERE by_day = 1
),
emotion_sets AS (
    SELECT emotions, n FROM grouped WHERE by_day = 0
),
totals AS (
    SELECT CAST(coalesce(sum(n), 0) AS bigint) AS total_entries,
           round(sum(intensity_sum) / sum(n), 2) AS average_intensity
    FROM daily
),
mentions AS (
    SELECT m.emotion, CAST(sum(s.n) AS bigint) AS n
    FROM emotion_sets AS s CROSS JOIN LATERAL unnest(s.emotions) AS m(emotion)
    GROUP BY m.emotion
),
shares AS (
    SELECT coalesce(
        json_agg(
            json_build_object('emotion', emotion, 'count', n, 'percentage', percentage)
            ORDER BY n DESC, array_position(CAST(:catalog AS text[]), emotion), emotion
        ),
        '[]'::json
    ) AS most_common
    FROM (
        SELECT emotion, n, round(100.0 * n / sum(n) OVER (), 1) AS percentage FROM mentions
    ) AS ranked
),
trend AS (
    SELECT regr_slope(CAST(intensity_sum / n AS float8), CAST(day - DATE '2000-01-01' AS float8))
               AS trend_slope,
           count(*) AS trend_days,
           coalesce(max(day) - min(day), 0) AS trend_span_days
    FROM daily
),
pair AS (
    SELECT a.emotion AS pair_first, b.emotion AS pair_second,
           CAST(sum(s.n) AS bigint) AS pair_entries
    FROM emotion_sets AS s
    CROSS JOIN LATERAL (SELECT DISTINCT e FROM unnest(s.emotions) AS e) AS a(emotion)
    CROSS JOIN LATERAL (SELECT DISTINCT e FROM unnest(s.emotions) AS e) AS b(emotion)
    WHERE array_position(CAST(:catalog AS text[]), a.emotion)
          < array_position(CAST(:catalog AS text[]), b.emotion)
    GROUP BY 1, 2
    ORDER BY 3 DESC, array_position(CAST(:catalog AS text[]), a.emotion),
             array_position(CAST(:catalog AS text[]), b.emotion)
    LIMIT 1
),
weekdays AS (
    SELECT CAST(extract(isodow FROM day) AS int) AS isodow,
           round(sum(intensity_sum) / sum(n), 2) AS avg_intensity
    FROM daily
    GROUP BY 1
    HAVING sum(n) >= :min_weekday_entries
),
weekday AS (
    SELECT isodow AS peak_isodow, avg_intensity AS peak_intensity,
           (SELECT min(avg_intensity) FROM weekdays) AS low_intensity,
           (SELECT count(*) FROM weekdays) AS weekdays_counted
    FROM weekdays
    ORDER BY avg_intensity DESC, isodow
    LIMIT 1
),
-- Words are looked for in the latest :theme_sample situations of the period only: parsing text
-- costs ~15 us an entry, which a year of entries would turn into the slowest part of the summary.
recent_situations AS MATERIALIZED (
    SELECT situation
    FROM emotion_entries
    WHERE user_id = :user_id AND created_at >= :start_at AND created_at < :end_at
    ORDER BY created_at DESC
    LIMIT :theme_sample
),
theme AS (
    -- A tsvector holds each word once, so the count is of situations that use the word. Words
    -- are filtered after grouping: a few hundred distinct words, not every word of every text.
    SELECT word AS theme_word, n AS theme_entries,
           (SELECT count(*) FROM recent_situations) AS theme_sample_size
    FROM (
        SELECT t.lexeme AS word, count(*) AS n
        FROM recent_situations AS p
        CROSS JOIN LATERAL unnest(to_tsvector('simple', p.situation)) AS t
        GROUP BY t.lexeme
    ) AS words
    WHERE char_length(word) >= 3
      AND word !~ '[0-9_]'
      AND word <> ALL (CAST(:stopwords AS text[]))
    ORDER BY n DESC, word COLLATE "C"
    LIMIT 1
),
previous AS (
    SELECT count(*) AS previous_entries, round(avg(intensity), 2) AS previous_intensity
    FROM emotion_entries
    WHERE user_id = :user_id AND created_at >= :previous_start_at AND created_at < :start_at
),
visuals AS (
    -- Only finished pictures count: pending or failed ones are not something the user has.
    SELECT count(*) AS total_visualizations
    FROM visualizations
    WHERE user_id = :user_id AND status = 'completed'
      AND created_at >= :start_at AND created_at < :end_at
)
SELECT *,
       -- Evaluated even when no entry is, so a zone PostgreSQL does not know always fails.
       CAST(:end_at AS timestamptz) AT TIME ZONE CAST(:tz AS text) AS local_end
FROM totals
CROSS JOIN shares
CROSS JOIN trend
CROSS JOIN previous
CROSS JOIN visuals
LEFT JOIN pair ON true
LEFT JOIN weekday ON true
LEFT JOIN theme ON true
"""
)

TIMELINE: TextClause = text(
    """
WITH buckets AS (
    SELECT generate_series(
        date_trunc(CAST(:granularity AS text), CAST(CAST(:first_day AS date) AS timestamp)),
        date_trunc(CAST(:granularity AS text), CAST(CAST(:last_day AS date) AS timestamp)),
        CAST('1 ' || CAST(:granularity AS text) AS interval)
    ) AS bucket
),
period_entries AS MATERIALIZED (
    SELECT date_trunc(CAST(:granularity AS text), created_at AT TIME ZONE CAST(:tz AS text))
               AS bucket,
           emotions, intensity
    FROM emotion_entries
    WHERE user_id = :user_id AND created_at >= :start_at AND created_at < :end_at
),
averages AS (
    SELECT bucket, round(avg(intensity), 2) AS avg_intensity FROM period_entries GROUP BY bucket
),
counts AS (
    SELECT bucket,
           json_object_agg(
               emotion, n ORDER BY n DESC, array_position(CAST(:catalog AS text[]), emotion)
           ) AS emotions
    FROM (
        SELECT p.bucket, m.emotion, count(*) AS n
        FROM period_entries AS p CROSS JOIN LATERAL unnest(p.emotions) AS m(emotion)
        GROUP BY 1, 2
    ) AS per_emotion
    GROUP BY bucket
)
SELECT CAST(b.bucket AS date) AS date,
       coalesce(c.emotions, '{}'::json) AS emotions,
       a.avg_intensity,
       -- Evaluated even when no entry is, so a zone PostgreSQL does not know always fails.
       CAST(:end_at AS timestamptz) AT TIME ZONE CAST(:tz AS text) AS local_end
FROM buckets AS b
LEFT JOIN counts AS c USING (bucket)
LEFT JOIN averages AS a USING (bucket)
ORDER BY b.bucket
"""
)
