-- Sign-off is its own concept, whatever is signed (a release, a document with its interpretation package):
-- its reviews and its timeline entries carry its name, not a release's. Documents used to write release.*
-- kinds for their sign-off steps; releases and documents now both write signoff.*, history included.

alter table release_reviews rename to signoff_reviews;
alter index release_reviews_release rename to signoff_reviews_release;
create index signoff_reviews_document on signoff_reviews (document_id, at);

-- Every constraint (primary key, references, checks) named after the old table takes the new name.
do $$
declare c record;
begin
	for c in select conname from pg_constraint where conrelid = 'signoff_reviews'::regclass and conname like 'release\_reviews%' loop
		execute format('alter table signoff_reviews rename constraint %I to %I', c.conname, 'signoff_reviews' || substr(c.conname, length('release_reviews') + 1));
	end loop;
end $$;

-- The sign-off steps of the timeline, on the release, the document and the incident a release serves.
update timeline_events set kind = case kind
		when 'release.review_passed' then 'signoff.review_passed'
		when 'release.review_rejected' then 'signoff.review_rejected'
		when 'release.approved' then 'signoff.approved'
		when 'release.countersigned' then 'signoff.countersigned'
		when 'release.rejected' then 'signoff.rejected'
		when 'release.signoff_flagged' then 'signoff.flagged'
		when 'release.requests_renewed' then 'signoff.renewed'
		when 'release.request_lapsed' then 'signoff.lapsed'
	end
where kind in ('release.review_passed', 'release.review_rejected', 'release.approved', 'release.countersigned', 'release.rejected',
	'release.signoff_flagged', 'release.requests_renewed', 'release.request_lapsed');
