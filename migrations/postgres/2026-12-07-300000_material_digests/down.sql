DROP TABLE material_digests;
