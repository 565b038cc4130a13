-- The title of a subject of every kind in the registry (src/lib/subjects.ts), not only of those that carry
-- clocks: a release and a conference had none. src/lib/server/subjects.spec.ts asks it of one row of each kind.
create or replace function subject_title(subject text, subject_id uuid) returns text language sql stable as $$
	select case subject
		when 'incident' then (select title from incidents where id = subject_id)
		when 'opinion_item' then (select left(summary, 60) from opinion_items where id = subject_id)
		when 'release' then (
			select v.title from releases r join release_versions v on v.release_id = r.id and v.number = r.current_version
			where r.id = subject_id)
		when 'document' then (
			select v.title from documents d join document_versions v on v.document_id = d.id and v.number = d.current_version
			where d.id = subject_id)
		when 'conference' then (select title from conferences where id = subject_id)
	end
$$;
