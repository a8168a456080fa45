DROP TABLE material_versions;
DROP TABLE materials;
