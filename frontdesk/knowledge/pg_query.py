"""The hybrid search as one SQL statement: BM25 over ``tsvector`` postings, HNSW over
body and title vectors, and the in-process path's fusion (:mod:`frontdesk.retrieval.hybrid`).

    rarest query terms ─► at most L matching chunks (GIN) ─► BM25 ─► top-N ─┐
    query vector ─► body HNSW top-N ──────────────────────────────────────────┼─► union ─►
                 └► title HNSW top-N titles ─► their chunks, top-N ───────────┘   every
                                                                        signal ─► fuse

Every member of the union is scored on every signal (BM25 on every query term) and fused
exactly as ``HybridRetriever._score`` does (same normalisations, weights, RRF ranks,
tie-break by id). The keyword top-N is the in-process one as long as the query's terms
match at most ``keyword_match_limit`` chunks (:func:`frontdesk.knowledge.pg_rows.
rarest_terms` picks the terms of the GIN match, ``:match_limit`` caps the chunks scored):
scoring every chunk with any query term grew linearly with the tenant (1.6 s at 1M chunks).
Always filtered by tenant; ``chunk_search`` only holds servable chunks. For a tenant with
an active adapted encoder (``adapted``), the body and title vectors are that adapter's
(``adapted_chunk_search``, ``adapted_title_search``) and so is the query vector.
"""

from __future__ import annotations

from frontdesk.retrieval.fusion import Normalization
from frontdesk.retrieval.hybrid import HybridOptions


def _normalized(column: str, method: Normalization) -> str:
    top, low = f"max({column}) OVER ()", f"min({column}) OVER ()"
    if method == "max":
        return f"CASE WHEN {top} > 0 THEN {column} / {top} ELSE 0 END"
    if method == "zscore":
        std = f"stddev_pop({column}) OVER ()"
        return f"CASE WHEN {std} > 0 THEN ({column} - avg({column}) OVER ()) / {std} ELSE 0 END"
    span = f"({top} - {low})"
    return f"CASE WHEN {span} > 0 THEN ({column} - {low}) / {span} ELSE 1 END"


def _fused(options: HybridOptions) -> str:
    if options.fusion == "rrf":
        return (
            f"coalesce({options.weight_bm25!r} / ({options.rrf_k!r} + kw_rank), 0)"
            f" + CASE WHEN dense_rank <= :n"
            f" THEN {options.weight_dense!r} / ({options.rrf_k!r} + dense_rank) ELSE 0 END"
        )
    parts = [
        f"{weight!r} * ({_normalized(column, method)})"
        for column, weight, method in (
            ("bm25", options.weight_bm25, options.bm25_normalization),
            ("dense", options.weight_dense, options.dense_normalization),
        )
        if weight != 0.0
    ]
    return " + ".join(parts) or "0"


def _bm25(rows: str) -> str:
    """BM25 on every query term (``qt``) of the chunks in ``rows`` (chunk_id, terms,
    length) that have any."""
    return f"""
  SELECT s.chunk_id,
         sum(qt.weight * qt.idf * cardinality(u.positions) * (:k1 + 1)
             / (cardinality(u.positions)
                + :k1 * (1 - :b + :b * s.length / st.avg_length))) AS bm25
  FROM {rows} s
  CROSS JOIN st
  -- only the query's lexemes are unnested: marked with weight A, then filtered (C code,
  -- far cheaper than unnesting every lexeme of every matching chunk)
  CROSS JOIN LATERAL unnest(ts_filter(setweight(s.terms, 'A', CAST(:terms AS text[])), '{{a}}'))
    AS u(lexeme, positions, weights)
  JOIN qt ON qt.term = u.lexeme
  GROUP BY s.chunk_id
"""


def search_sql(options: HybridOptions, adapted: bool = False) -> str:
    """The statement for ``options``; parameters: ``tenant``, ``vec`` (pgvector text),
    ``terms`` and ``weights`` (analysed query terms), ``tsquery`` (of the terms that pick
    the chunks to score), ``match_limit`` (None: no limit), ``n``, ``k``, ``k1``, ``b``;
    with ``adapted``, ``adapter`` (the active adapter's id) too."""
    titles = options.title_vectors
    if adapted:  # the adapter's vectors, by chunk and by title
        bodies, heads, head_id = "adapted_chunk_search", "adapted_title_search", "title_id"
        mine = "tenant_id = :tenant AND adapter_id = :adapter"
        body_join = (
            "JOIN adapted_chunk_search a ON a.chunk_id = p.chunk_id AND a.adapter_id = :adapter"
        )
        body_vector, head_on = "a.embedding", "t.title_id = s.title_id AND t.adapter_id = :adapter"
    else:
        bodies, heads, head_id = "chunk_search", "title_search", "id"
        mine = "tenant_id = :tenant"
        body_join, body_vector, head_on = "", "s.embedding", "t.id = s.title_id"
    title_top = (
        f""",
title_near AS (
  SELECT {head_id} AS id, embedding <#> (SELECT v FROM q) AS distance FROM {heads}
  WHERE {mine} ORDER BY embedding <#> (SELECT v FROM q) LIMIT :n
),
title_top AS (
  -- at most n chunks of any one title can make the top n: each title's first n by id
  -- (index on title_id, chunk_id), not all its chunks sorted (3,300 a title at 1M)
  SELECT s.chunk_id FROM title_near t
  CROSS JOIN LATERAL (
    SELECT chunk_id FROM chunk_search
    WHERE title_id = t.id AND tenant_id = :tenant ORDER BY chunk_id LIMIT :n
  ) s
  ORDER BY t.distance, s.chunk_id LIMIT :n
)"""
        if titles
        else ""
    )
    title_union = " UNION SELECT chunk_id FROM title_top" if titles else ""
    title_join = f"LEFT JOIN {heads} t ON {head_on}" if titles else ""
    title_value = "-(t.embedding <#> (SELECT v FROM q))" if titles else "NULL::float8"
    return f"""
WITH q AS (SELECT CAST(:vec AS vector) AS v),
st AS (SELECT chunks, greatest(avg_length, 1e-9) AS avg_length
       FROM search_state WHERE tenant_id = :tenant),
qt AS (
  SELECT x.term, x.weight, ln(1 + (st.chunks - ts.df + 0.5) / (ts.df + 0.5)) AS idf
  FROM unnest(CAST(:terms AS text[]), CAST(:weights AS float8[])) AS x(term, weight)
  JOIN term_search ts ON ts.tenant_id = :tenant AND ts.term = x.term
  CROSS JOIN st
),
matched AS (
  SELECT chunk_id, terms, length FROM chunk_search
  WHERE tenant_id = :tenant AND terms @@ CAST(:tsquery AS tsquery)
  LIMIT :match_limit
),
kw AS ({_bm25("matched")}),
kw_top AS (
  SELECT chunk_id, row_number() OVER (ORDER BY bm25 DESC, chunk_id) AS kw_rank
  FROM kw WHERE bm25 > 0 ORDER BY bm25 DESC, chunk_id LIMIT :n
),
body_top AS (
  SELECT chunk_id FROM {bodies} WHERE {mine}
  ORDER BY embedding <#> (SELECT v FROM q) LIMIT :n
){title_top},
pool AS (
  SELECT chunk_id FROM kw_top UNION SELECT chunk_id FROM body_top{title_union}
),
pool_rows AS (
  SELECT s.chunk_id, s.terms, s.length FROM pool p JOIN chunk_search s USING (chunk_id)
),
pool_kw AS ({_bm25("pool_rows")}),
scored AS (
  SELECT p.chunk_id, coalesce(kw.bm25, 0) AS bm25,
         -({body_vector} <#> (SELECT v FROM q)) AS body, {title_value} AS title_cos
  FROM pool p
  JOIN chunk_search s ON s.chunk_id = p.chunk_id
  {body_join}
  LEFT JOIN pool_kw kw ON kw.chunk_id = p.chunk_id
  {title_join}
),
signals AS (
  SELECT sc.chunk_id, sc.bm25, sc.body, coalesce(sc.title_cos, sc.body) AS title,
         greatest(sc.body, coalesce(sc.title_cos, -1)) AS dense, kt.kw_rank
  FROM scored sc LEFT JOIN kw_top kt ON kt.chunk_id = sc.chunk_id
),
ranked AS (
  SELECT *, row_number() OVER (ORDER BY dense DESC, chunk_id) AS dense_rank FROM signals
),
fused AS (
  SELECT chunk_id, bm25, body, title, {_fused(options)} AS fused FROM ranked
)
SELECT f.chunk_id, f.bm25, f.body, f.title, f.fused, c.text, c.title AS chunk_title, c.url,
       c.heading_path, c.position, c.metadata, coalesce(d.external_id, d.id) AS document_key
FROM fused f
JOIN chunks c ON c.id = f.chunk_id
JOIN documents d ON d.id = c.document_id
WHERE c.tenant_id = :tenant
ORDER BY f.fused DESC, f.chunk_id
LIMIT :k
"""
