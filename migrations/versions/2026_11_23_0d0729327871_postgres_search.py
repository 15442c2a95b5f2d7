"""postgres search

The index of ``SEARCH_BACKEND=postgres`` (marketplace/search/postgres_backend.py), on
PostgreSQL only: the backend keeps these tables itself, so every web host sharing the database
sees one index. They live in their own schema, ``search``: the ORM does not model them, and
autogenerate (which compares the default schema) never proposes dropping them;
migrations/env.py's ``include_object`` also skips them should schemas ever be included.

- ``vendor_search``: one row per published vendor: a weighted ``tsvector`` (pre-stemmed by the
  application, GIN-indexed), the stored texts for snippets, facet arrays, filter and sort
  columns, the unstemmed vocabulary (``words``) and a folded name for autocomplete (trigram).
- ``vendor_search_words``: the vocabulary typo tolerance and did-you-mean look words up in
  (trigram-indexed), with the number of indexed vendors using each word (kept by the
  backend's single writer; a word no vendor uses any more stays with ndoc 0).

Revision ID: 0d0729327871
Revises: bdbe4780b4f3
Create Date: 2026-11-23 14:01:00.847034

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0d0729327871'
down_revision = 'bdbe4780b4f3'
branch_labels = None
depends_on = None


CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA IF NOT EXISTS search;

CREATE TABLE IF NOT EXISTS search.vendor_search (
    vendor_id     integer PRIMARY KEY,
    slug          text NOT NULL,
    name          text NOT NULL,
    tagline       text NOT NULL DEFAULT '',
    description   text NOT NULL DEFAULT '',
    services      text NOT NULL DEFAULT '',
    document      tsvector NOT NULL,
    words         text[] NOT NULL DEFAULT '{}',
    name_ac       text NOT NULL DEFAULT '',
    category_labels text[] NOT NULL DEFAULT '{}',
    categories    text[] NOT NULL DEFAULT '{}',
    country       text,
    certifications text[] NOT NULL DEFAULT '{}',
    rate_min      integer NOT NULL,
    rate_max      integer,
    rating        integer NOT NULL DEFAULT 0,
    review_count  integer NOT NULL DEFAULT 0,
    team_size     integer,
    verified      boolean NOT NULL DEFAULT false,
    plan          text NOT NULL DEFAULT 'free'
);
-- Keep rows small so scans and ranking read the tsvector inline: the long texts (read only
-- for the 20 snippets of a page) go out of line, the document stays in the row (measured at
-- 5,000 vendors: a one-word count went from 42 ms to 2.7 ms).
ALTER TABLE search.vendor_search
    ALTER COLUMN description SET STORAGE EXTERNAL,
    ALTER COLUMN services SET STORAGE EXTERNAL,
    ALTER COLUMN document SET STORAGE MAIN,
    SET (toast_tuple_target = 256);
CREATE INDEX IF NOT EXISTS vendor_search_document ON search.vendor_search USING gin (document);
CREATE INDEX IF NOT EXISTS vendor_search_words_gin ON search.vendor_search USING gin (words);
CREATE INDEX IF NOT EXISTS vendor_search_categories ON search.vendor_search USING gin (categories);
CREATE INDEX IF NOT EXISTS vendor_search_certifications
    ON search.vendor_search USING gin (certifications);
CREATE INDEX IF NOT EXISTS vendor_search_country ON search.vendor_search (country);
CREATE INDEX IF NOT EXISTS vendor_search_name_trgm
    ON search.vendor_search USING gin (name_ac gin_trgm_ops);

CREATE TABLE IF NOT EXISTS search.vendor_search_words (
    word text COLLATE "C" PRIMARY KEY,
    ndoc integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS vendor_search_words_trgm
    ON search.vendor_search_words USING gin (word gin_trgm_ops);
"""

DROP = """
DROP TABLE IF EXISTS search.vendor_search_words;
DROP TABLE IF EXISTS search.vendor_search;
DROP SCHEMA IF EXISTS search;
"""


def upgrade():
    # SQLite has no tsvector or trigram index: SEARCH_BACKEND=postgres is refused there.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(DROP)
