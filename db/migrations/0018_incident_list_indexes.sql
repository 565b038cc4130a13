-- The incident list at the scale of a province (100,000 incidents): open ones first, then the newest, a page at a
-- time by keyset, and a search by words of the title in Chinese, each served by an index.

-- The list's order exactly (`order by (status = 'open') desc, occurred_at desc, id desc`): a page is the next rows
-- of this index after the cursor, not a sort of every incident in reach.
create index incidents_open_first on incidents ((status = 'open') desc, occurred_at desc, id desc);

-- Chinese has no spaces between words and pg_trgm's trigrams miss a two-character word (火灾): a title is indexed by
-- its pairs of adjacent characters instead, lower-cased, white space dropped. A search word of two characters or
-- more must have all its pairs in the title (the index answers that), then `ilike` checks they are adjacent.
create function text_bigrams(t text) returns text[]
language sql immutable strict parallel safe
as $$
	select coalesce(array_agg(distinct substr(s, i, 2)), '{}')
	from (select lower(regexp_replace(t, '\s+', '', 'g')) as s) x, generate_series(1, char_length(s) - 1) as i
$$;

-- Kept with the row, so that checking a row costs an array comparison, not the function: a plan that walks the list's
-- index and checks each title (a common word, many matches) stays cheap.
alter table incidents add column title_bigrams text[] generated always as (text_bigrams(title)) stored;
create index incidents_title_bigrams on incidents using gin (title_bigrams);
