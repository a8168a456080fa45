DROP TABLE certificates;
DROP TABLE certificate_settings;
DROP TABLE certificate_types;
