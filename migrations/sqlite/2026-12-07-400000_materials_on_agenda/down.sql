DROP TRIGGER materials_added;
DROP TRIGGER materials_changed;
DROP TRIGGER materials_removed;
