-- The people list at the scale of a province (thousands of people): by name, a page at a time by keyset, and a
-- search by words of a name, a username or a phone number, each served by an index.

-- The list's order exactly (`order by name collate "zh-x-icu", id`): names in the order a Chinese reader expects
-- (by pinyin, as the unit tree is sorted), where the database's own collation would sort them by code point. A page
-- is the next rows of this index after the cursor. The unit rides along so that the index alone answers whether a
-- person is in reach.
create index people_by_name on people ((name collate "zh-x-icu"), id) include (unit_id);

-- One unit's people (a unit's page, a picker for one unit) in the same order.
create index people_unit_by_name on people (unit_id, (name collate "zh-x-icu"), id);

-- What a search finds a person by, as one text: a name is found as an incident's title is (0018: pairs of adjacent
-- characters, then `ilike`), and so are a username's and a phone number's digits.
alter table people add column search_text text generated always as (name || ' ' || coalesce(username, '') || ' ' || coalesce(phone, '')) stored;
alter table people add column search_bigrams text[] generated always as (text_bigrams(name || ' ' || coalesce(username, '') || ' ' || coalesce(phone, ''))) stored;
create index people_search_bigrams on people using gin (search_bigrams);

-- The unit's index above leads with the unit too: it serves whatever this one did.
drop index people_unit;
