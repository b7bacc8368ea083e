"""On PostgreSQL, the database itself refuses to change or delete sealed agreements, their
signatures and their seals (whatever the application does). SQLite migrates without it."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION agreements_refuse_sealed_agreement() RETURNS trigger AS $$
BEGIN
    IF OLD.sealed_at IS NOT NULL THEN
        RAISE EXCEPTION 'agreement % is signed and sealed and cannot be changed or deleted', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION agreements_refuse_sealed_signature() RETURNS trigger AS $$
DECLARE
    row_agreement bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        row_agreement := NEW.agreement_id;
    ELSE
        row_agreement := OLD.agreement_id;
    END IF;
    IF EXISTS (SELECT 1 FROM agreements_agreement WHERE id = row_agreement AND sealed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the signatures of sealed agreement % cannot be changed', row_agreement
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION agreements_refuse_seal_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the seal of agreement % cannot be changed or deleted', OLD.agreement_id
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER agreements_agreement_sealed
    BEFORE UPDATE OR DELETE ON agreements_agreement
    FOR EACH ROW EXECUTE FUNCTION agreements_refuse_sealed_agreement();
CREATE TRIGGER agreements_signature_sealed
    BEFORE INSERT OR UPDATE OR DELETE ON agreements_signature
    FOR EACH ROW EXECUTE FUNCTION agreements_refuse_sealed_signature();
CREATE TRIGGER agreements_seal_sealed
    BEFORE UPDATE OR DELETE ON agreements_seal
    FOR EACH ROW EXECUTE FUNCTION agreements_refuse_seal_change();
"""

DROP = """
DROP TRIGGER IF EXISTS agreements_agreement_sealed ON agreements_agreement;
DROP TRIGGER IF EXISTS agreements_signature_sealed ON agreements_signature;
DROP TRIGGER IF EXISTS agreements_seal_sealed ON agreements_seal;
DROP FUNCTION IF EXISTS agreements_refuse_sealed_agreement();
DROP FUNCTION IF EXISTS agreements_refuse_sealed_signature();
DROP FUNCTION IF EXISTS agreements_refuse_seal_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the % in the RAISE messages are PL/pgSQL's, not placeholders.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
