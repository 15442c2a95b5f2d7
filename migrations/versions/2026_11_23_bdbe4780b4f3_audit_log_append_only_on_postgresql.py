"""audit log append only on postgresql

Revision ID: bdbe4780b4f3
Revises: a009b04be437
Create Date: 2026-11-23 13:28:28.104800

"""
from alembic import op
import sqlalchemy as sa
import marketplace.db_types


# revision identifiers, used by Alembic.
revision = 'bdbe4780b4f3'
down_revision = 'a009b04be437'
branch_labels = None
depends_on = None


# Copied from marketplace/admin/audit_trigger.py at the time of writing: a migration must not
# change meaning when application code changes later.
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


def upgrade():
    # PostgreSQL refuses UPDATE/DELETE on the audit log; SQLite has no equivalent and relies on
    # the code having no update or delete path.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE_AUDIT_LOG_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_AUDIT_LOG_TRIGGER)
