"""Everything that talks to the search engine; nothing outside this package does.

- `client`: the connection, the requests that read, and engine errors mapped to SearchUnavailable.
- `kinds`: the kinds of documents (`SearchKind`) and the indexes they live in.
- `documents`: mappings, analyzers, bilingual synonyms (`synonyms/`), index aliases.
- `indexing`: database rows copied into the indexes, rebuilds, and the saved searches' percolator index.
- `outbox`: changes recorded in the writer's transaction, drained into the indexes after commit.
- `queries`: pure functions that build query bodies (the matcher's rankings, the people search).
- `ranking`: the matcher's rankings, each hit with its explanation.
- `explain`: the engine's signals → a typed explanation → sentences, for the API and the pages alike.
- `people`: the challenge and vendor search with facets and highlights, and the opportunity-search cache.
- `reach`: how many vendors a challenge's draft would reach.

It may import `hub`, `marketplace`, `matching.models` and (to queue the outbox's drain) `matching.tasks`;
never the workflow (`matching.services`, `matching.selectors`), the API or `frontend`. Callers import from
the submodules."""
