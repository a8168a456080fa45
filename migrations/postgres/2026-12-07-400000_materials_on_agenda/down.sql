DROP TRIGGER materials_changed ON materials;
DROP FUNCTION materials_raise_content_version();
