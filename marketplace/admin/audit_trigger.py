"""PostgreSQL guard for the append-only audit log, for the lead's migration to execute.

The code has no update or delete path for ``AuditLog``; this trigger makes the database refuse
one too (a stray ``UPDATE audit_log`` in psql, a future bug). One exception keeps the schema's own
rule working: ``actor_id`` has ``ON DELETE SET NULL``, so deleting a user may null the actor of
its rows and nothing else. TRUNCATE is not covered (it fires no row trigger): it needs the table
owner's rights, and the test suite truncates between tests.

Usage in the migration (PostgreSQL only; SQLite has no such trigger)::

    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE_AUDIT_LOG_TRIGGER)       # upgrade
        op.execute(DROP_AUDIT_LOG_TRIGGER)         # downgrade

Each constant is one string holding several statements; no parameters, no ``%`` and no ``:``
so it passes through SQLAlchemy ``text()`` and psycopg unchanged.
"""

CREATE_AUDIT_LOG_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND NEW.id = OLD.id
       AND NEW.action = OLD.action
       AND NEW.target_type = OLD.target_type
       AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
       AND NEW.details::text = OLD.details::text
       AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;  -- ON DELETE SET NULL of the acting user
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (refused an attempted change)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
"""

DROP_AUDIT_LOG_TRIGGER = """
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
DROP FUNCTION IF EXISTS audit_log_refuse_change();
"""
