-- The release and document lists at the scale of a province (20,000 releases, 5,000 documents): the ones still in
-- progress first, then the most recently changed, a page at a time by keyset, and a search by words of the current
-- version's title, each served by an index.

-- The lists' orders exactly (`order by (status in (...)) desc, updated_at desc, id desc`, the states in the same
-- order as the queries write them): a page is the next rows of this index after the cursor, not a sort of every row
-- in reach. The status and units ride along so that the index alone answers whether a row is in reach (an index-only
-- scan needs the columns of its expression too).
create index releases_in_progress_first on releases ((status in ('draft', 'in_review', 'awaiting_signoff', 'approved')) desc, updated_at desc, id desc)
	include (status, unit_id);
create index documents_in_progress_first on documents ((status in ('drafting', 'submitted', 'signed')) desc, updated_at desc, id desc)
	include (status, unit_id, interpreting_unit_id, current_version);

-- One status asked for: its rows in the same order.
create index releases_status_listed on releases (status, updated_at desc, id desc) include (unit_id);
create index documents_status_listed on documents (status, updated_at desc, id desc) include (unit_id, interpreting_unit_id, current_version);

-- A conference's releases (its opening statement, its answers), as an incident's already are (releases_incident).
create index releases_conference on releases (conference_id);

-- Who sees a release or document because a unit in their reach is asked to sign it: from the unit to what it signs.
create index signoff_requests_unit on signoff_requests (unit_id) include (release_id, document_id);

-- Words of the title, found as in the incident list (0018: pairs of adjacent characters, then `ilike`). A title
-- lives in its versions; the lists search the current one, joined on the version number.
alter table release_versions add column title_bigrams text[] generated always as (text_bigrams(title)) stored;
create index release_versions_title_bigrams on release_versions using gin (title_bigrams);
alter table document_versions add column title_bigrams text[] generated always as (text_bigrams(title)) stored;
create index document_versions_title_bigrams on document_versions using gin (title_bigrams);
