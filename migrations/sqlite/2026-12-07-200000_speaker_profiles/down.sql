DROP TABLE speaker_profiles;
